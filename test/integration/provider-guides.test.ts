/**
 * The provider guides in docs/providers, executed against a real gateway on a real Redis. For
 * each guide: its CLI command (the `<!-- example: cli -->` block, run as written through bash)
 * creates the endpoint with the preset, duplicates source and handshake the guide promises; its
 * admin API curl creates an identical one; its standalone example script and its openssl + curl
 * snippet send signed requests that get 202 (a wrong secret 403); the same delivery id twice is
 * a duplicate; Slack's url_verification is echoed. A guide whose commands or examples stop
 * matching what the gateway verifies fails here. Only the openssl/curl parts skip, and only when
 * those tools are missing.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { EndpointView } from '../../src/types';
import { ADMIN_TOKEN, REPO_ROOT, startTestGateway, type TestGateway } from '../harness/gateway';
import { startRedis, type RedisServer } from '../harness/redis';

const DOCS = path.join(REPO_ROOT, 'docs', 'providers');
const CLI_ENTRY = path.join(REPO_ROOT, 'src', 'cli', 'run.ts');

/**
 * Prepended to the guides' CLI blocks: `npx -p n8n-nodes-webhook-gateway webhook-gateway …` runs
 * this checkout's CLI from source, with the arguments exactly as bash parses the guide's line.
 */
const CLI_SHIMS = `npx() { if [ "$1" = -p ]; then shift 2; fi; "$@"; }\nwebhook-gateway() { node --import tsx ${JSON.stringify(CLI_ENTRY)} "$@"; }\n`;

function hasTool(name: string): boolean {
	return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}
const MISSING_SIGN_TOOLS = ['openssl', 'curl'].filter((tool) => !hasTool(tool));
const SKIP_SNIPPETS =
	MISSING_SIGN_TOOLS.length > 0
		? `the openssl + curl snippets need ${MISSING_SIGN_TOOLS.join(' and ')}, which is not installed`
		: false;
const SKIP_CURL = hasTool('curl')
	? false
	: 'the admin API examples need curl, which is not installed';

interface Run {
	code: number;
	stdout: string;
	stderr: string;
}

/** Variables the guides, the examples or the gateway read: never inherited from this process. */
const GUIDE_VARIABLES =
	/^(WEBHOOK_|DELIVERY_ID$|ADMIN_API$|ENDPOINT_ID$|STRIPE_|SHOPIFY_|SLACK_|SIGNATURE_)/;

function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [k, v] of Object.entries(process.env)) if (!GUIDE_VARIABLES.test(k)) env[k] = v;
	return Object.assign(env, extra);
}

function run(file: string, args: string[], env: Record<string, string>): Promise<Run> {
	return new Promise((resolve) => {
		execFile(
			file,
			args,
			{ cwd: REPO_ROOT, env: childEnv(env), timeout: 60_000 },
			(error, stdout, stderr) => {
				const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
				resolve({ code, stdout, stderr });
			},
		);
	});
}

/** A guide's shell block, run by bash with errexit and pipefail. */
function bash(script: string, env: Record<string, string>): Promise<Run> {
	return run('bash', ['-e', '-o', 'pipefail', '-c', script], env);
}

/** An example script, run by this node. */
function node(script: string, env: Record<string, string>): Promise<Run> {
	return run(process.execPath, [script], env);
}

function show(r: Run): string {
	return `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;
}

function ok(r: Run): Run {
	assert.equal(r.code, 0, show(r));
	return r;
}

/** The code block right after `<!-- example: <tag> -->`, or undefined when the marker is absent. */
function guideBlock(markdown: string, tag: string): string | undefined {
	const marker = `<!-- example: ${tag} -->`;
	const at = markdown.indexOf(marker);
	if (at < 0) return undefined;
	const block = /^\s*```[a-z]*\n([\s\S]*?)\n```/.exec(markdown.slice(at + marker.length));
	assert.ok(block, `a code block must follow ${marker}`);
	return block[1];
}

function requiredBlock(markdown: string, tag: string, guide: string): string {
	const block = guideBlock(markdown, tag);
	assert.ok(block !== undefined, `${guide} has no <!-- example: ${tag} --> block`);
	return block;
}

/** The HTTP answer an example printed: a line `HTTP <status>` and the body (JSON when it parses). */
function answer(r: Run): { status: number; body: any } {
	const line = /^HTTP (\d{3})$/m.exec(r.stdout);
	assert.ok(line, `no "HTTP <status>" line in the output\n${show(r)}`);
	const text = r.stdout.replace(line[0], '').trim();
	let body: unknown = text;
	try {
		body = JSON.parse(text);
	} catch {
		// not JSON: keep the text
	}
	return { status: Number(line[1]), body };
}

/** The configuration of an endpoint that the guide decides (not its id, secret or timestamps). */
function configOf(endpoint: EndpointView): Record<string, unknown> {
	const {
		name,
		accountId,
		auth,
		dedupe,
		handshake,
		methods,
		ipAllowlist,
		enabled,
		bufferCapacity,
	} = endpoint;
	return {
		name,
		accountId,
		auth,
		dedupe,
		handshake,
		methods,
		ipAllowlist,
		enabled,
		bufferCapacity,
	};
}

interface ProviderCase {
	/** docs/providers/<guide>.md, examples/<guide>.mjs and examples/<guide>.sh */
	guide: string;
	/** The variable holding the provider-made secret the guide's commands read, if any. */
	secretVariable?: string;
	/** What the guide's command must configure. */
	auth: Record<string, unknown>;
	dedupeSource: Record<string, unknown>;
	handshake: Record<string, unknown>;
	/** Headers of the example's request the workflow sees, and credential headers it must not. */
	received: Record<string, string | RegExp>;
	removed: string[];
}

const PROVIDERS: ProviderCase[] = [
	{
		guide: 'github',
		auth: { type: 'hmac', preset: 'github' },
		dedupeSource: { type: 'header', name: 'x-github-delivery' },
		handshake: { mode: 'none' },
		received: { 'x-github-event': 'ping', 'x-github-delivery': /.+/ },
		removed: ['x-hub-signature-256', 'x-hub-signature'],
	},
	{
		guide: 'stripe',
		secretVariable: 'STRIPE_WEBHOOK_SECRET',
		auth: { type: 'hmac', preset: 'stripe', toleranceSeconds: 300 },
		dedupeSource: { type: 'bodyPath', path: 'id' },
		handshake: { mode: 'none' },
		received: { 'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)' },
		removed: ['stripe-signature'],
	},
	{
		guide: 'shopify',
		secretVariable: 'SHOPIFY_WEBHOOK_SECRET',
		auth: { type: 'hmac', preset: 'shopify' },
		dedupeSource: { type: 'header', name: 'x-shopify-webhook-id' },
		handshake: { mode: 'none' },
		received: {
			'x-shopify-topic': 'orders/create',
			'x-shopify-shop-domain': 'example.myshopify.com',
			'x-shopify-webhook-id': /.+/,
		},
		removed: ['x-shopify-hmac-sha256'],
	},
	{
		guide: 'slack',
		secretVariable: 'SLACK_SIGNING_SECRET',
		auth: { type: 'hmac', preset: 'slack', toleranceSeconds: 300 },
		dedupeSource: { type: 'bodyPath', path: 'event_id' },
		handshake: { mode: 'slack' },
		received: { 'x-slack-request-timestamp': /^\d+$/ },
		removed: ['x-slack-signature'],
	},
	{
		guide: 'generic-hmac',
		auth: {
			type: 'hmac',
			preset: 'generic',
			header: 'x-signature',
			algorithm: 'sha256',
			encoding: 'hex',
			prefix: 'sha256=',
		},
		dedupeSource: { type: 'header', name: 'idempotency-key' },
		handshake: { mode: 'none' },
		received: { 'idempotency-key': /.+/ },
		removed: ['x-signature'],
	},
];

let redis: RedisServer;
let gw: TestGateway;

/** The environment the guides tell the CLI user to set: this gateway's Redis, prefix and URL. */
function cliEnv(): Record<string, string> {
	return {
		WEBHOOK_GATEWAY_REDIS_URL: gw.config.redisUrl,
		WEBHOOK_GATEWAY_KEY_PREFIX: gw.config.keyPrefix,
		WEBHOOK_GATEWAY_PUBLIC_URL: gw.url,
	};
}

before(async () => {
	redis = await startRedis();
	gw = await startTestGateway({ url: redis.url });
	// The index's plan command, as written (the examples send more than 1 request/s).
	const plan = requiredBlock(
		fs.readFileSync(path.join(DOCS, 'README.md'), 'utf8'),
		'plan',
		'README.md',
	);
	ok(await bash(CLI_SHIMS + plan, cliEnv()));
	assert.equal((await gw.gateway.management.planOfAccount('default')).id, 'unlimited');
});
after(async () => {
	await gw?.close();
	await redis?.stop();
});

test('the index links every guide and every guide has its example files', () => {
	const index = fs.readFileSync(path.join(DOCS, 'README.md'), 'utf8');
	for (const { guide } of PROVIDERS) {
		assert.ok(index.includes(`](${guide}.md)`), `README.md links ${guide}.md`);
		for (const file of [`${guide}.md`, `examples/${guide}.mjs`, `examples/${guide}.sh`]) {
			assert.ok(fs.existsSync(path.join(DOCS, file)), `docs/providers/${file} exists`);
		}
	}
});

for (const p of PROVIDERS) {
	describe(`docs/providers/${p.guide}.md`, () => {
		const guideFile = `${p.guide}.md`;
		const markdown = fs.readFileSync(path.join(DOCS, guideFile), 'utf8');
		const script = path.join(DOCS, 'examples', `${p.guide}.mjs`);
		const shellFile = path.join(DOCS, 'examples', `${p.guide}.sh`);
		/** The provider-made secret the user would export (Stripe's whsec_…, Slack's signing secret). */
		const providerSecret =
			p.guide === 'stripe'
				? `whsec_${randomBytes(24).toString('hex')}`
				: randomBytes(16).toString('hex');
		const providerEnv: Record<string, string> = p.secretVariable
			? { [p.secretVariable]: providerSecret }
			: {};
		let endpoint: EndpointView;
		let secret: string;
		let hookUrl: string;

		test('the CLI command creates the endpoint the guide describes', async () => {
			const create = requiredBlock(markdown, 'cli', guideFile);
			const created = JSON.parse(
				ok(await bash(CLI_SHIMS + create.trimEnd() + ' --json', { ...cliEnv(), ...providerEnv }))
					.stdout,
			) as { endpoint: EndpointView; secret?: string };
			endpoint = created.endpoint;
			let shown = created.secret;
			const setSecret = guideBlock(markdown, 'cli-secret');
			if (setSecret !== undefined) {
				const updated = JSON.parse(
					ok(
						await bash(CLI_SHIMS + setSecret.trimEnd() + ' --json', {
							...cliEnv(),
							...providerEnv,
							ENDPOINT_ID: endpoint.id,
						}),
					).stdout,
				) as { endpoint: EndpointView; secret?: string };
				assert.equal(updated.endpoint.id, endpoint.id);
				endpoint = updated.endpoint;
				shown = updated.secret;
			}
			assert.ok(shown, 'the command shows the secret');
			secret = shown;
			if (p.secretVariable)
				assert.equal(
					secret,
					providerSecret,
					`the endpoint verifies with the provider's secret ($${p.secretVariable})`,
				);
			assert.deepEqual(endpoint.auth, p.auth);
			assert.deepEqual(endpoint.dedupe, { source: p.dedupeSource, windowSeconds: 86_400 });
			assert.deepEqual(endpoint.handshake, p.handshake);
			assert.deepEqual(endpoint.methods, ['POST']);
			assert.equal(endpoint.enabled, true);
			assert.equal(endpoint.url, `${gw.url}/hooks/${endpoint.id}`);
			hookUrl = endpoint.url;
		});

		test('the admin API curl creates the same endpoint', { skip: SKIP_CURL }, async () => {
			const block = requiredBlock(markdown, 'admin-api', guideFile);
			const r = ok(
				await bash(block, {
					ADMIN_API: `${gw.adminUrl ?? gw.url}/api/v1`,
					WEBHOOK_GATEWAY_ADMIN_TOKEN: ADMIN_TOKEN,
					ENDPOINT_ID: endpoint.id,
					...providerEnv,
				}),
			);
			const answers = r.stdout
				.split('\n')
				.filter((line) => line.trim() !== '')
				.map(
					(line) =>
						JSON.parse(line) as { endpoint?: EndpointView; secret?: string; error?: unknown },
				);
			assert.ok(answers.length > 0, show(r));
			const [created, ...more] = answers;
			assert.ok(created.endpoint, `the first call creates an endpoint\n${show(r)}`);
			assert.notEqual(created.endpoint.id, endpoint.id);
			assert.deepEqual(configOf(created.endpoint), configOf(endpoint));
			if (p.secretVariable && more.length === 0) assert.equal(created.secret, providerSecret);
			// Further calls (Stripe: setting the signing secret) act on the endpoint of the CLI step.
			for (const next of more) {
				assert.equal(next.endpoint?.id, endpoint.id, show(r));
				if (p.secretVariable) assert.equal(next.secret, providerSecret);
			}
			await gw.gateway.management.deleteEndpoint(created.endpoint.id);
		});

		test('the signing lines the guide shows are the example script’s', () => {
			const excerpt = requiredBlock(markdown, `excerpt ${p.guide}.mjs`, guideFile);
			const lines = new Set(
				fs
					.readFileSync(script, 'utf8')
					.split('\n')
					.map((line) => line.trim()),
			);
			for (const line of excerpt
				.split('\n')
				.map((l) => l.trim())
				.filter(Boolean)) {
				assert.ok(
					lines.has(line),
					`examples/${p.guide}.mjs contains the line the guide shows: ${line}`,
				);
			}
		});

		test('the example script is accepted (202) and stored as the guide says; a wrong secret gets 403', async () => {
			const good = await node(script, { WEBHOOK_URL: hookUrl, WEBHOOK_SECRET: secret });
			const accepted = answer(good);
			assert.equal(accepted.status, 202, show(good));
			assert.equal(accepted.body.status, 'accepted');
			assert.equal(good.code, 0);

			const stored = (await gw.gateway.management.peekEvents(endpoint.id, 1000)).find(
				(e) => e.id === accepted.body.eventId,
			);
			assert.ok(stored, 'the accepted event is in the buffer');
			for (const [name, expected] of Object.entries(p.received)) {
				if (typeof expected === 'string') assert.equal(stored.headers[name], expected, name);
				else assert.match(stored.headers[name] ?? '', expected, name);
			}
			for (const name of p.removed)
				assert.equal(stored.headers[name], undefined, `${name} is removed`);

			const bad = await node(script, { WEBHOOK_URL: hookUrl, WEBHOOK_SECRET: `${secret}-wrong` });
			const rejected = answer(bad);
			assert.equal(rejected.status, 403, show(bad));
			assert.deepEqual(rejected.body, {
				error: { code: 'unauthorized', message: 'Authentication failed' },
			});
			assert.equal(bad.code, 1, 'the script exits 1 on a non-2xx answer');
		});

		test('the same delivery id twice: 202, then 200 duplicate with the first event id', async () => {
			const env = {
				WEBHOOK_URL: hookUrl,
				WEBHOOK_SECRET: secret,
				DELIVERY_ID: `guide-test-${randomBytes(6).toString('hex')}`,
			};
			const first = answer(await node(script, env));
			assert.equal(first.status, 202);
			const again = await node(script, env);
			assert.deepEqual(answer(again), {
				status: 200,
				body: { status: 'duplicate', eventId: first.body.eventId },
			});
			assert.equal(again.code, 0);
		});

		test(
			'the openssl + curl snippet and examples/' +
				p.guide +
				'.sh are accepted (202); a wrong secret gets 403',
			{ skip: SKIP_SNIPPETS },
			async () => {
				const snippet = requiredBlock(markdown, 'sign-bash', guideFile);
				const good = ok(await bash(snippet, { WEBHOOK_URL: hookUrl, WEBHOOK_SECRET: secret }));
				assert.equal(answer(good).status, 202, show(good));
				assert.equal(answer(good).body.status, 'accepted');
				const bad = ok(
					await bash(snippet, { WEBHOOK_URL: hookUrl, WEBHOOK_SECRET: `${secret}-wrong` }),
				);
				assert.equal(answer(bad).status, 403, show(bad));

				assert.ok(
					fs.readFileSync(shellFile, 'utf8').includes(snippet),
					`examples/${p.guide}.sh contains the guide's snippet`,
				);
				const viaFile = ok(
					await run('bash', [shellFile], { WEBHOOK_URL: hookUrl, WEBHOOK_SECRET: secret }),
				);
				assert.equal(answer(viaFile).status, 202, show(viaFile));
			},
		);

		if (p.guide === 'slack') {
			test('url_verification: the signed handshake echoes the challenge and stores nothing; a wrong secret gets 403', async () => {
				const challenge = randomBytes(12).toString('hex');
				const body = JSON.stringify({ token: 'x', challenge, type: 'url_verification' });
				const storedBefore = (await gw.gateway.management.peekEvents(endpoint.id, 1000)).length;
				const handshake = await node(script, {
					WEBHOOK_URL: hookUrl,
					WEBHOOK_SECRET: secret,
					WEBHOOK_BODY: body,
				});
				assert.deepEqual(answer(handshake), { status: 200, body: { challenge } }, show(handshake));
				const forged = await node(script, {
					WEBHOOK_URL: hookUrl,
					WEBHOOK_SECRET: `${secret}-wrong`,
					WEBHOOK_BODY: body,
				});
				assert.equal(answer(forged).status, 403);
				assert.equal(
					(await gw.gateway.management.peekEvents(endpoint.id, 1000)).length,
					storedBefore,
				);
				// The guide's own handshake example sends this body shape.
				assert.ok(
					markdown.includes(
						`WEBHOOK_BODY='{"token":"x","challenge":"abc123","type":"url_verification"}'`,
					),
				);
			});
		}
	});
}
