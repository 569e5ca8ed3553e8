/**
 * Webhook Endpoint node: what the user enters becomes exactly the endpoint the service stores.
 * Parameters are resolved the way n8n resolves them before a run (NodeHelpers.getNodeParameters:
 * defaults filled in, hidden fields dropped), then mapped by endpointInputOf and checked by the
 * service's own validators.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { NodeHelpers, type INodeParameters } from 'n8n-workflow';
import { validateAuth, validateIpAllowlist } from '../../src/auth';
import { ValidationError } from '../../src/errors';
import {
	validateCapacity,
	validateDedupe,
	validateHandshake,
	validateMethods,
} from '../../src/registry/endpoints';
import { validateEndpointLimits } from '../../src/registry/endpointLimits';
import { endpointInputOf, listOf } from '../../nodes/WebhookEndpoint/actions/endpointInput';
// `.js` (tsx and tsc map it to the .ts source): `WebhookEndpoint.node` alone resolves to the codex file WebhookEndpoint.node.json.
import { WebhookEndpoint } from '../../nodes/WebhookEndpoint/WebhookEndpoint.node.js';

const description = new WebhookEndpoint().description;

/** The parameters a run sees for what the user set in the editor. */
function resolved(parameters: INodeParameters): INodeParameters {
	const result = NodeHelpers.getNodeParameters(
		description.properties,
		parameters,
		true,
		false,
		{ typeVersion: 1 },
		description,
	);
	assert.ok(result);
	return result;
}

/** Create: top-level fields plus "Additional Fields", as the node merges them. */
function createInput(parameters: INodeParameters) {
	const p = resolved({ resource: 'endpoint', operation: 'create', ...parameters });
	const { additionalFields, ...top } = p;
	return endpointInputOf({ ...top, ...(additionalFields as INodeParameters) }, 'create');
}

function updateInput(updateFields: INodeParameters) {
	const p = resolved({
		resource: 'endpoint',
		operation: 'update',
		endpoint: { mode: 'id', value: 'abc' },
		updateFields,
	});
	return endpointInputOf(p.updateFields as INodeParameters, 'update');
}

describe('Create', () => {
	test('the defaults give a header-token endpoint on the default account with a random ID', () => {
		const input = createInput({});
		assert.equal(input.id, undefined);
		assert.equal(input.name, undefined);
		assert.equal(input.accountId, 'default');
		assert.deepEqual(validateAuth(input.auth), {
			type: 'header',
			headerName: 'authorization',
			prefix: 'Bearer ',
		});
		assert.equal(input.dedupe, undefined);
		assert.equal(input.methods, undefined);
		assert.equal(input.secret, undefined);
	});

	test('HMAC with the GitHub preset keeps the provider defaults (delivery ID dedupe)', () => {
		const input = createInput({
			endpointId: ' gh-orders ',
			name: 'GitHub orders',
			accountId: 'e2e',
			authentication: 'hmac',
			hmacPreset: 'github',
		});
		assert.equal(input.id, 'gh-orders');
		assert.equal(input.name, 'GitHub orders');
		assert.equal(input.accountId, 'e2e');
		const auth = validateAuth(input.auth);
		assert.deepEqual(auth, { type: 'hmac', preset: 'github' });
		assert.deepEqual(validateDedupe(input.dedupe, auth).source, {
			type: 'header',
			name: 'x-github-delivery',
		});
	});

	test('timestamp presets carry the tolerance; others do not', () => {
		for (const preset of ['stripe', 'slack', 'standardWebhooks']) {
			assert.deepEqual(
				validateAuth(
					createInput({ authentication: 'hmac', hmacPreset: preset, toleranceSeconds: 600 }).auth,
				),
				{
					type: 'hmac',
					preset,
					toleranceSeconds: 600,
				},
			);
			assert.deepEqual(
				validateAuth(createInput({ authentication: 'hmac', hmacPreset: preset }).auth),
				{ type: 'hmac', preset, toleranceSeconds: 300 },
			);
		}
		assert.deepEqual(
			validateAuth(
				createInput({ authentication: 'hmac', hmacPreset: 'shopify', toleranceSeconds: 600 }).auth,
			),
			{ type: 'hmac', preset: 'shopify' },
		);
		// The field's default is the provider's own: Twitch allows 10 minutes.
		assert.deepEqual(
			validateAuth(createInput({ authentication: 'hmac', hmacPreset: 'twitch' }).auth),
			{ type: 'hmac', preset: 'twitch', toleranceSeconds: 600 },
		);
		assert.deepEqual(
			validateAuth(
				createInput({ authentication: 'hmac', hmacPreset: 'twitch', toleranceSeconds: 120 }).auth,
			),
			{ type: 'hmac', preset: 'twitch', toleranceSeconds: 120 },
		);
	});

	test('generic HMAC: header, algorithm, encoding and prefix', () => {
		const auth = validateAuth(
			createInput({
				authentication: 'hmac',
				hmacPreset: 'generic',
				signatureHeader: 'X-Signature',
				algorithm: 'sha512',
				encoding: 'base64',
				signaturePrefix: 'v1=',
			}).auth,
		);
		assert.deepEqual(auth, {
			type: 'hmac',
			preset: 'generic',
			header: 'x-signature',
			algorithm: 'sha512',
			encoding: 'base64',
			prefix: 'v1=',
		});
		assert.throws(
			() => validateAuth(createInput({ authentication: 'hmac', hmacPreset: 'generic' }).auth),
			/auth\.header is required/,
		);
	});

	test('header token with another header and no prefix; basic auth; none', () => {
		assert.deepEqual(
			validateAuth(
				createInput({ authentication: 'header', headerName: 'X-Api-Key', headerPrefix: '' }).auth,
			),
			{
				type: 'header',
				headerName: 'x-api-key',
				prefix: '',
			},
		);
		assert.deepEqual(
			validateAuth(createInput({ authentication: 'basic', username: 'shop' }).auth),
			{ type: 'basic', username: 'shop' },
		);
		assert.throws(
			() => validateAuth(createInput({ authentication: 'basic' }).auth),
			/username is required/,
		);
		assert.deepEqual(
			validateAuth(createInput({ authentication: 'none', headerName: 'ignored' }).auth),
			{ type: 'none' },
		);
	});

	test('additional fields: secret, IP allow-list, methods, capacity, enabled, description', () => {
		const input = createInput({
			authentication: 'none',
			additionalFields: {
				secret: 'whsec_0123456789',
				ipAllowlist: '192.30.252.0/22, 10.0.0.1\n2001:db8::/32',
				methods: ['POST', 'PUT'],
				bufferCapacity: 0,
				enabled: false,
				description: 'orders',
			},
		});
		assert.equal(input.secret, 'whsec_0123456789');
		assert.deepEqual(validateIpAllowlist(input.ipAllowlist), [
			'192.30.252.0/22',
			'10.0.0.1',
			'2001:db8::/32',
		]);
		assert.deepEqual(validateMethods(input.methods), ['POST', 'PUT']);
		assert.equal(validateCapacity(input.bufferCapacity), null, '0 means the gateway default');
		assert.equal(createInput({ additionalFields: { bufferCapacity: 500 } }).bufferCapacity, 500);
		assert.equal(input.enabled, false);
		assert.equal(input.description, 'orders');
		assert.equal(
			createInput({ additionalFields: { secret: '' } }).secret,
			undefined,
			'an empty secret means "generate one"',
		);
	});

	test('duplicate detection: provider default, header, body path, off, window', () => {
		const github = validateAuth({ type: 'hmac', preset: 'github' });
		const dedupe = (fields: INodeParameters) =>
			validateDedupe(
				createInput({ authentication: 'hmac', hmacPreset: 'github', additionalFields: fields })
					.dedupe,
				github,
			);
		assert.deepEqual(dedupe({ dedupe: 'preset', dedupeWindowSeconds: 3600 }), {
			source: { type: 'header', name: 'x-github-delivery' },
			windowSeconds: 3600,
		});
		assert.deepEqual(dedupe({ dedupe: 'header' }), {
			source: { type: 'header', name: 'idempotency-key' },
			windowSeconds: 86400,
		});
		assert.deepEqual(dedupe({ dedupe: 'header', dedupeHeader: 'X-Request-Id' }).source, {
			type: 'header',
			name: 'x-request-id',
		});
		assert.deepEqual(
			dedupe({ dedupe: 'bodyPath', dedupePath: 'data.object.id', dedupeWindowSeconds: 60 }),
			{ source: { type: 'bodyPath', path: 'data.object.id' }, windowSeconds: 60 },
		);
		assert.deepEqual(dedupe({ dedupe: 'off', dedupeWindowSeconds: 60 }).source, { type: 'none' });
	});

	test('handshakes: the verify token only for hub.challenge', () => {
		assert.deepEqual(
			validateHandshake(
				createInput({ additionalFields: { handshake: 'hubChallenge', verifyToken: 'tok' } })
					.handshake,
			),
			{ mode: 'hubChallenge', verifyToken: 'tok' },
		);
		assert.deepEqual(
			validateHandshake(
				createInput({ additionalFields: { handshake: 'slack', verifyToken: 'tok' } }).handshake,
			),
			{ mode: 'slack' },
		);
		assert.deepEqual(
			validateHandshake(
				createInput({ additionalFields: { handshake: 'validationToken' } }).handshake,
			),
			{ mode: 'validationToken' },
		);
	});
});

describe('Update', () => {
	test('sends only the fields the user added', () => {
		assert.deepEqual(updateInput({}), {});
		assert.deepEqual(updateInput({ name: 'Renamed' }), { name: 'Renamed' });
		assert.deepEqual(updateInput({ enabled: false, bufferCapacity: 0 }), {
			enabled: false,
			bufferCapacity: null,
		});
	});

	test('authentication inside Update Fields shows and sends its own sub-fields only', () => {
		const input = updateInput({
			authentication: 'hmac',
			hmacPreset: 'stripe',
			toleranceSeconds: 120,
			headerName: 'hidden',
		});
		assert.deepEqual(validateAuth(input.auth), {
			type: 'hmac',
			preset: 'stripe',
			toleranceSeconds: 120,
		});
		assert.deepEqual(
			validateAuth(updateInput({ authentication: 'header', headerName: 'X-Token' }).auth),
			{ type: 'header', headerName: 'x-token', prefix: '' },
		);
		assert.equal(
			updateInput({ hmacPreset: 'stripe' }).auth,
			undefined,
			'no auth change without Authentication',
		);
	});

	test('clearing the IP allow-list and switching dedupe back to the provider default', () => {
		const input = updateInput({ ipAllowlist: '', dedupe: 'preset' });
		assert.deepEqual(input.ipAllowlist, []);
		assert.deepEqual(
			input.dedupe,
			{},
			'an object without source: the service takes the preset default',
		);
	});

	test('removing every method is rejected by the service with a message naming the field', () => {
		assert.throws(
			() => validateMethods(updateInput({ methods: [] }).methods),
			(error: unknown) =>
				error instanceof ValidationError && /methods must name at least one/.test(error.message),
		);
	});
});

test('listOf splits on commas, spaces and new lines', () => {
	assert.deepEqual(listOf(' a, b\nc  d,,'), ['a', 'b', 'c', 'd']);
	assert.deepEqual(listOf(['x ', ' y']), ['x', 'y']);
	assert.deepEqual(listOf(undefined), []);
});

test("the endpoint's own limits: present fields only, 0 means none, checked against the plan by the service's validator", () => {
	const plan = { id: 'advanced', name: 'Advanced', rate: 5, burst: 5, daily: 250, builtIn: true };
	const created = endpointInputOf({ endpointRateLimit: 0.5, endpointDailyLimit: 100 }, 'create');
	assert.deepEqual(created.limits, { rate: 0.5, daily: 100 });
	assert.deepEqual(validateEndpointLimits(created.limits, plan), {
		rate: 0.5,
		burst: 1,
		daily: 100,
	});
	assert.deepEqual(endpointInputOf({ endpointDailyLimit: 0 }, 'update').limits, { daily: null });
	assert.equal(
		endpointInputOf({ name: 'x' }, 'update').limits,
		undefined,
		'no limit field: limits unchanged',
	);
	assert.throws(
		() =>
			validateEndpointLimits(endpointInputOf({ endpointDailyLimit: 251 }, 'create').limits, plan),
		/limits\.daily/,
	);
});
