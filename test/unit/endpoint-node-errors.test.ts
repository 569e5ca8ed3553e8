/** Webhook Endpoint node: every failure reaches the user with something they can act on. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NodeOperationError, type INode } from 'n8n-workflow';
import { ConfigError } from '../../src/config';
import {
	ConflictError,
	NotFoundError,
	StoreUnavailableError,
	ValidationError,
} from '../../src/errors';
import { CredentialValueError } from '../../nodes/shared/credentials';
import { adviceFor, nodeErrorFor } from '../../nodes/WebhookEndpoint/errors';

const REDIS = '10.1.2.3:6380';
const node: INode = {
	id: 'n1',
	name: 'Webhook Endpoint',
	type: 'n8n-nodes-webhook-gateway.webhookEndpoint',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

test('not found: says which ID to check, per kind', () => {
	assert.deepEqual(adviceFor(new NotFoundError('endpoint', 'nope'), REDIS), {
		message: "endpoint 'nope' does not exist",
		description: 'Check the endpoint ID or pick it from the list',
	});
	assert.match(
		adviceFor(new NotFoundError('plan', 'gold'), REDIS).description ?? '',
		/Check the plan ID; Plan > Get Many/,
	);
	assert.match(
		adviceFor(new NotFoundError('account', 'acme'), REDIS).description ?? '',
		/Check the account ID.*Set Plan/,
	);
});

test('conflicts and invalid values point at the field to change', () => {
	assert.match(
		adviceFor(new ConflictError("endpoint 'x' already exists"), REDIS).description ?? '',
		/another Endpoint ID, or leave it empty/,
	);
	assert.match(
		adviceFor(new ConflictError("plan 'p' is used by account(s) a"), REDIS).description ?? '',
		/Set Plan/,
	);
	const invalid = adviceFor(
		new ValidationError('secret must be a string of 8 to 512 characters'),
		REDIS,
	);
	assert.equal(invalid.message, 'secret must be a string of 8 to 512 characters');
	assert.match(invalid.description ?? '', /correct the field the message names/);
	assert.match(
		adviceFor(new ValidationError('Redis URL must start with redis:// or rediss://'), REDIS)
			.description ?? '',
		/Redis URL in the Webhook Gateway credential/,
	);
});

test('an unreachable Redis names the credential and the address, never a password', () => {
	const refused = Object.assign(new Error('connect ECONNREFUSED 10.1.2.3:6380'), {
		code: 'ECONNREFUSED',
	});
	const maxRetries = Object.assign(
		new Error(
			'Reached the max retries per request limit (which is 2). Refer to "maxRetriesPerRequest" option for details.',
		),
		{
			name: 'MaxRetriesPerRequestError',
		},
	);
	const notFound = Object.assign(new Error('getaddrinfo ENOTFOUND redis.internal'), {
		code: 'ENOTFOUND',
	});
	for (const error of [
		refused,
		maxRetries,
		notFound,
		new StoreUnavailableError(),
		new Error('Command timed out'),
	]) {
		const advice = adviceFor(error, REDIS);
		assert.equal(advice.message, `Redis at ${REDIS} is not reachable`);
		assert.match(
			advice.description ?? '',
			/^Check the Webhook Gateway credential: Redis at 10\.1\.2\.3:6380 is not reachable \(/,
		);
		assert.ok(advice.description?.includes(error.message), 'the original reason is kept');
	}
	assert.equal(
		adviceFor(maxRetries, undefined).message,
		'Redis at the configured address is not reachable',
	);
});

test('a Redis that answers but refuses: the reason first, then where to fix it', () => {
	const advice = adviceFor(
		new Error('WRONGPASS invalid username-password pair or user is disabled.'),
		REDIS,
	);
	assert.match(advice.message, /^Authentication failed at 10\.1\.2\.3:6380 \(WRONGPASS\)/);
	assert.match(advice.description ?? '', /Check the Webhook Gateway credential/);
});

test('credential and environment mistakes say where to fix them', () => {
	const credential = adviceFor(
		new CredentialValueError('Port must be a whole number from 1 to 65535 (got "x")'),
		undefined,
	);
	assert.match(credential.message, /^The Webhook Gateway credential has a wrong value: Port/);
	assert.equal(credential.description, 'Open the credential and correct the field');
	const env = adviceFor(new ConfigError('WEBHOOK_GATEWAY_MAX_BODY: expected a size'), undefined);
	assert.match(env.message, /WEBHOOK_GATEWAY_\* environment variable/);
	assert.match(env.description ?? '', /WEBHOOK_GATEWAY_MAX_BODY/);
});

test('anything else keeps its message', () => {
	assert.deepEqual(adviceFor(new Error('boom'), REDIS), { message: 'boom' });
	assert.deepEqual(adviceFor('text', REDIS), { message: 'text' });
});

test('nodeErrorFor: a NodeOperationError with message, description and item index', () => {
	const error = nodeErrorFor(node, new NotFoundError('endpoint', 'nope'), REDIS, 3);
	assert.ok(error instanceof NodeOperationError);
	assert.equal(error.message, "endpoint 'nope' does not exist");
	assert.equal(error.description, 'Check the endpoint ID or pick it from the list');
	assert.equal(error.context.itemIndex, 3);
	const already = new NodeOperationError(node, 'Nothing to update');
	assert.equal(
		nodeErrorFor(node, already, REDIS),
		already,
		'errors the node raised itself pass through',
	);
});
