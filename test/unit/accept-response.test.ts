/**
 * Custom answers to accepted requests: the validator's defaults and bounds, and how the CLI flags
 * and the Webhook Endpoint node's fields become the service input (resolved the way n8n resolves
 * parameters before a run).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { NodeHelpers, type INodeParameters } from 'n8n-workflow';
import { endpointInput } from '../../src/cli/endpoints';
import { ValidationError } from '../../src/errors';
import { validateAcceptResponse } from '../../src/registry/acceptResponse';
import { endpointInputOf } from '../../nodes/WebhookEndpoint/actions/endpointInput';
import { WebhookEndpoint } from '../../nodes/WebhookEndpoint/WebhookEndpoint.node.js';

const description = new WebhookEndpoint().description;

function updateInput(updateFields: INodeParameters) {
	const p = NodeHelpers.getNodeParameters(
		description.properties,
		{
			resource: 'endpoint',
			operation: 'update',
			endpoint: { mode: 'id', value: 'abc' },
			updateFields,
		},
		true,
		false,
		{ typeVersion: 1 },
		description,
	);
	assert.ok(p);
	return endpointInputOf(p.updateFields as INodeParameters, 'update');
}

describe('validateAcceptResponse', () => {
	test('empty means the default answer; omitted fields take 200, no body, text/plain', () => {
		for (const empty of [undefined, null, '']) assert.equal(validateAcceptResponse(empty), null);
		assert.deepEqual(validateAcceptResponse({}), {
			status: 200,
			body: '',
			contentType: 'text/plain; charset=utf-8',
		});
		assert.deepEqual(
			validateAcceptResponse({
				status: '201',
				body: '{"ok":true}',
				contentType: ' application/json ',
			}),
			{ status: 201, body: '{"ok":true}', contentType: 'application/json' },
		);
	});
	test('bounds: 2xx only, 4096 bytes of UTF-8, no body on 204/205', () => {
		for (const status of [199, 300, 2.5])
			assert.throws(() => validateAcceptResponse({ status }), ValidationError);
		assert.equal(validateAcceptResponse({ body: 'a'.repeat(4096) })?.body.length, 4096);
		assert.throws(() => validateAcceptResponse({ body: '€'.repeat(1366) }), /4096 bytes/);
		assert.throws(() => validateAcceptResponse({ status: 205, body: 'x' }), /must be empty/);
		assert.throws(
			() => validateAcceptResponse({ contentType: 'text/html\r\nx: y' }),
			/contentType/,
		);
	});
});

describe('CLI flags', () => {
	test('--accept-* build the whole answer; --default-response clears it; both together are refused', () => {
		assert.deepEqual(endpointInput({ acceptBody: 'OK' }).acceptResponse, {
			status: 200,
			body: 'OK',
			contentType: undefined,
		});
		assert.deepEqual(endpointInput({ acceptStatus: '204' }).acceptResponse, {
			status: '204',
			body: '',
			contentType: undefined,
		});
		assert.equal(endpointInput({ defaultResponse: true }).acceptResponse, null);
		assert.equal(endpointInput({}).acceptResponse, undefined);
		assert.throws(
			() => endpointInput({ defaultResponse: true, acceptBody: 'x' }),
			/--default-response/,
		);
	});
});

describe('Webhook Endpoint node', () => {
	test('Accepted Answer: Custom sends status, body and content type; Default clears it; absent leaves it', () => {
		const custom = updateInput({
			acceptAnswer: 'custom',
			acceptStatus: 200,
			acceptBody: 'EVENT_RECEIVED',
		});
		assert.deepEqual(validateAcceptResponse(custom.acceptResponse), {
			status: 200,
			body: 'EVENT_RECEIVED',
			contentType: 'text/plain; charset=utf-8',
		});
		assert.equal(updateInput({ acceptAnswer: 'default' }).acceptResponse, null);
		assert.equal(updateInput({ name: 'x' }).acceptResponse, undefined);
	});
});
