/**
 * Webhook Endpoint node description: every operation the editor offers is implemented, every
 * field belongs to an operation that exists, Update can change everything Create sets, and the
 * package wiring (credential, codex, icons) matches what n8n loads.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { NodeHelpers, type INodeProperties, type INodePropertyOptions } from 'n8n-workflow';
import { CREDENTIAL_TEST_METHOD } from '../../nodes/shared/credentialTest';
import { CREDENTIAL_TYPE } from '../../nodes/shared/credentials';
import { accountActions } from '../../nodes/WebhookEndpoint/actions/account';
import { endpointActions, withSecret } from '../../nodes/WebhookEndpoint/actions/endpoint';
import { eventActions } from '../../nodes/WebhookEndpoint/actions/event';
import { planActions } from '../../nodes/WebhookEndpoint/actions/plan';
import { subscriberActions } from '../../nodes/WebhookEndpoint/actions/subscriber';
// `.js` (tsx and tsc map it to the .ts source): `WebhookEndpoint.node` alone resolves to the codex file WebhookEndpoint.node.json.
import { WebhookEndpoint } from '../../nodes/WebhookEndpoint/WebhookEndpoint.node.js';

const ROOT = path.resolve(__dirname, '..', '..');
const NODE_DIR = path.join(ROOT, 'nodes', 'WebhookEndpoint');
const node = new WebhookEndpoint();
const { properties } = node.description;
const implemented: Record<string, Record<string, unknown>> = {
	account: accountActions,
	endpoint: endpointActions,
	event: eventActions,
	plan: planActions,
	subscriber: subscriberActions,
};

function options(property: INodeProperties | undefined): INodePropertyOptions[] {
	return (property?.options ?? []) as INodePropertyOptions[];
}

const resources = options(properties.find((p) => p.name === 'resource')).map((o) =>
	String(o.value),
);
const operationsOf = (resource: string) =>
	options(
		properties.find(
			(p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes(resource),
		),
	);

test('every resource and operation in the editor is implemented, and nothing else', () => {
	assert.deepEqual(resources.sort(), Object.keys(implemented).sort());
	for (const resource of resources) {
		const offered = operationsOf(resource);
		assert.deepEqual(
			offered.map((o) => String(o.value)).sort(),
			Object.keys(implemented[resource]).sort(),
			resource,
		);
		for (const option of offered)
			assert.ok(option.action, `${resource}.${option.value} has an action text`);
	}
});

test('the operations the brief names are there', () => {
	const ops = (resource: string) => operationsOf(resource).map((o) => String(o.value));
	for (const op of ['create', 'get', 'getAll', 'update', 'delete', 'rotateSecret', 'getUsage'])
		assert.ok(ops('endpoint').includes(op), op);
	for (const op of ['getAll', 'upsert']) assert.ok(ops('plan').includes(op), op);
	for (const op of ['get', 'setPlan']) assert.ok(ops('account').includes(op), op);
	for (const op of ['peek', 'getDeadLetters', 'replayDeadLetters', 'deleteDeadLetters'])
		assert.ok(ops('event').includes(op), op);
});

test('every field is shown for a resource and operations that exist', () => {
	for (const property of properties) {
		// The two node-wide choices: how the node reaches the gateway, and the resource.
		if (property.name === 'resource' || property.name === 'connection') continue;
		const show = property.displayOptions?.show;
		assert.ok(show?.resource?.length, `${property.name} names its resource`);
		for (const resource of show.resource as string[]) {
			assert.ok(resources.includes(resource), `${property.name}: resource ${resource}`);
			if (property.name === 'operation') continue;
			const known = operationsOf(resource).map((o) => String(o.value));
			assert.ok(show.operation?.length, `${property.name} names its operations`);
			for (const op of show.operation as string[])
				assert.ok(known.includes(op), `${property.name}: ${resource}.${op}`);
		}
	}
});

test('collections list their entries sorted, each name once', () => {
	for (const property of properties.filter((p) => p.type === 'collection')) {
		const entries = (property.options ?? []) as INodeProperties[];
		const names = entries.map((e) => e.displayName);
		assert.deepEqual(
			names,
			[...names].sort((a, b) => a.localeCompare(b)),
			property.name,
		);
		assert.equal(new Set(entries.map((e) => e.name)).size, entries.length, property.name);
	}
});

test('Update Fields can change everything Create sets, except the ID and the account', () => {
	const createOnly = new Set([
		'endpointId',
		'accountId',
		'createSecretNotice',
		'additionalFields',
		'includeSecret',
	]);
	const createFields = properties
		.filter(
			(p) =>
				p.displayOptions?.show?.resource?.includes('endpoint') &&
				p.displayOptions?.show?.operation?.includes('create'),
		)
		.flatMap((p) =>
			p.name === 'additionalFields' ? ((p.options ?? []) as INodeProperties[]) : [p],
		)
		.map((p) => p.name)
		.filter((name) => !createOnly.has(name));
	const updateFields = (
		(properties.find((p) => p.name === 'updateFields')?.options ?? []) as INodeProperties[]
	).map((p) => p.name);
	assert.deepEqual([...updateFields].sort(), [...createFields].sort());
});

test('Create and Rotate Secret warn that the secret is shown once', () => {
	for (const name of ['createSecretNotice', 'rotateSecretSecretNotice']) {
		const notice = properties.find((p) => p.name === name);
		assert.equal(notice?.type, 'notice');
		assert.match(notice?.displayName ?? '', /shown this once/);
	}
});

test('credential, editor look-ups and test method are wired', () => {
	assert.deepEqual(node.description.credentials, [
		{
			name: CREDENTIAL_TYPE,
			required: true,
			testedBy: CREDENTIAL_TEST_METHOD,
			displayOptions: { show: { connection: ['redis'] } },
		},
		{
			name: 'webhookGatewayAdminApi',
			required: true,
			displayOptions: { show: { connection: ['adminApi'] } },
		},
	]);
	// Redis stays the default, so existing workflows keep their credential.
	assert.equal(properties.find((p) => p.name === 'connection')?.default, 'redis');
	assert.equal(typeof node.methods.credentialTest[CREDENTIAL_TEST_METHOD], 'function');
	assert.equal(typeof node.methods.listSearch.searchEndpoints, 'function');
	assert.equal(typeof node.methods.loadOptions.getPlans, 'function');
	const locators = properties.filter((p) => p.type === 'resourceLocator');
	assert.ok(locators.length >= 2);
	for (const locator of locators)
		assert.equal(locator.modes?.[0]?.typeOptions?.searchListMethod, 'searchEndpoints');
});

test('codex, icons and package.json point at this node', () => {
	const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
		name: string;
		n8n: { nodes: string[] };
	};
	const codex = JSON.parse(
		fs.readFileSync(path.join(NODE_DIR, 'WebhookEndpoint.node.json'), 'utf8'),
	) as { node: string };
	assert.equal(codex.node, `${pkg.name}.${node.description.name}`);
	assert.ok(pkg.n8n.nodes.includes('dist/nodes/WebhookEndpoint/WebhookEndpoint.node.js'));
	const icon = node.description.icon as { light: string; dark: string };
	for (const file of [icon.light, icon.dark]) {
		const svg = fs.readFileSync(path.join(NODE_DIR, file.replace(/^file:/, '')), 'utf8');
		assert.match(svg, /^<svg[^>]+viewBox="0 0 60 60"/);
	}
});

test('not offered to AI agents: every operation changes or reveals the shared gateway', () => {
	assert.equal((node.description as { usableAsTool?: unknown }).usableAsTool, undefined);
});

test('"Include Secret In Output" is on in version 1 (as before) and off from 1.1, the default version', () => {
	assert.deepEqual(node.description.version, [1, 1.1]);
	assert.equal(node.description.defaultVersion, 1.1);
	const defaults = (typeVersion: number) =>
		NodeHelpers.getNodeParameters(
			properties,
			{ resource: 'endpoint', operation: 'create' },
			true,
			false,
			{ typeVersion },
			node.description,
		)?.includeSecret;
	assert.equal(defaults(1), true);
	assert.equal(defaults(1.1), false);
});

test('without "Include Secret In Output" the output holds only the last 4 characters of the secret', () => {
	const result = { endpoint: { id: 'ep' }, secret: 'a-long-generated-secret-wxyz' };
	assert.deepEqual(withSecret(result, false), { id: 'ep', secretHint: '…wxyz' });
	assert.deepEqual(withSecret(result, true, { previousValidUntil: null }), {
		id: 'ep',
		secret: result.secret,
		previousValidUntil: null,
	});
	assert.deepEqual(withSecret({ endpoint: { id: 'open' } }, false), { id: 'open' });
});
