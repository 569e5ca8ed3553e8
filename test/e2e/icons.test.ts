/**
 * The icons a real n8n serves for this package's nodes and credentials. The shared Webhook Gateway
 * icon lives once in icons/ and the nodes name it `file:../../icons/…` (credentials
 * `file:../icons/…`); n8n resolves that relative to the compiled file and serves it under
 * /icons/<package>/…. This checks, for n8n 2.x here and 1.x through n8n-1.x/icons.test.ts, that
 * every node type and credential type of the package gets an icon URL that answers with the SVG.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { N8N_VERSION, OWNER, packPackage, startN8n, type N8nInstance } from '../harness/n8n';
import { assertBuilt, PACKAGE } from './fixtures/triggers';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const SHARED_ICON = fs.readFileSync(path.join(REPO_ROOT, 'icons', 'webhookGateway.svg'), 'utf8');
const SHARED_DARK_ICON = fs.readFileSync(
	path.join(REPO_ROOT, 'icons', 'webhookGateway.dark.svg'),
	'utf8',
);

interface TypeWithIcon {
	name: string;
	iconUrl?: string | { light: string; dark: string };
}

let n8n: N8nInstance;
let cookie = '';

/** GET with the owner's session (n8n serves the type lists and icons to signed-in users). */
async function get(urlPath: string): Promise<Response> {
	return await fetch(`${n8n.url}/${urlPath.replace(/^\//, '')}`, {
		headers: { cookie },
		signal: AbortSignal.timeout(30_000),
	});
}

/** The package's entries of /types/nodes.json or /types/credentials.json. */
async function packageTypes(list: 'nodes' | 'credentials'): Promise<TypeWithIcon[]> {
	const response = await get(`/types/${list}.json`);
	assert.equal(response.status, 200, `GET /types/${list}.json`);
	const all = (await response.json()) as TypeWithIcon[];
	return all.filter((t) =>
		list === 'nodes' ? t.name.startsWith(`${PACKAGE}.`) : t.name.startsWith('webhookGateway'),
	);
}

/** Fetches both icon URLs of a type and checks they answer with an SVG. */
async function iconsOf(type: TypeWithIcon): Promise<{ light: string; dark: string }> {
	assert.ok(
		type.iconUrl && typeof type.iconUrl === 'object',
		`${type.name} has light and dark icon URLs, got ${JSON.stringify(type.iconUrl)}`,
	);
	const texts: string[] = [];
	for (const url of [type.iconUrl.light, type.iconUrl.dark]) {
		const response = await get(url);
		const text = await response.text();
		assert.equal(response.status, 200, `${type.name}: GET ${url} -> ${response.status}`);
		assert.match(
			response.headers.get('content-type') ?? '',
			/image\/svg\+xml/,
			`${type.name}: ${url} is served as SVG`,
		);
		texts.push(text);
	}
	return { light: texts[0]!, dark: texts[1]! };
}

describe(`icons served by a real n8n ${N8N_VERSION}`, { timeout: 600_000 }, () => {
	before(async () => {
		assertBuilt(REPO_ROOT);
		n8n = await startN8n({ packageTarball: await packPackage(REPO_ROOT) });
		const login = await fetch(`${n8n.url}/rest/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ emailOrLdapLoginId: OWNER.email, password: OWNER.password }),
			signal: AbortSignal.timeout(30_000),
		});
		assert.equal(login.status, 200, `POST /rest/login: ${await login.text()}`);
		cookie = (login.headers.getSetCookie().find((c) => c.startsWith('n8n-auth=')) ?? '').split(
			';',
		)[0]!;
		assert.ok(cookie, 'n8n set a session cookie');
	});
	after(async () => {
		await n8n?.stop();
	});

	it('every node gets its icon; all but the Webhook Endpoint node share the one in icons/', async (t) => {
		const nodes = await packageTypes('nodes');
		for (const node of nodes) t.diagnostic(`${node.name}: ${JSON.stringify(node.iconUrl)}`);
		const declared = (
			JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
				n8n: { nodes: string[] };
			}
		).n8n.nodes;
		assert.equal(
			new Set(nodes.map((n) => n.name)).size,
			declared.length,
			`n8n loaded every node: ${nodes.map((n) => n.name).join(', ')}`,
		);
		for (const node of nodes) {
			const icons = await iconsOf(node);
			if (node.name === `${PACKAGE}.webhookEndpoint`) continue;
			assert.equal(icons.light, SHARED_ICON, `${node.name}: the shared light icon`);
			assert.equal(icons.dark, SHARED_DARK_ICON, `${node.name}: the shared dark icon`);
		}
	});

	it('both credentials get the shared icon', async () => {
		const credentials = await packageTypes('credentials');
		assert.equal(
			credentials.length,
			2,
			`credential types: ${credentials.map((c) => c.name).join(', ')}`,
		);
		for (const credential of credentials) {
			const icons = await iconsOf(credential);
			assert.equal(icons.light, SHARED_ICON, `${credential.name}: the shared light icon`);
			assert.equal(icons.dark, SHARED_DARK_ICON, `${credential.name}: the shared dark icon`);
		}
	});
});
