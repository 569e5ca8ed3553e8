/**
 * Security properties a user relies on (docs/security.md), over real HTTP against real Redis:
 * the admin API's bearer token, endpoint secrets that authenticate only their own endpoint,
 * secrets that never leave the gateway (admin list/get, CLI, /metrics, stored events, logs),
 * constant-time comparisons, one uninformative 403, the admin API on its own port, and trust
 * proxy with the IP allow-list. The log check spawns `webhook-gateway serve` (needs `npm run build`).
 */
import assert from 'node:assert/strict';
import { execFile, execSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
	ADMIN_TOKEN,
	REPO_ROOT,
	spawnGateway,
	startTestGateway,
	uniquePrefix,
	type TestGateway,
} from '../harness/gateway';
import { freePort } from '../harness/ports';
import { startRedis, type RedisServer } from '../harness/redis';

const UNAUTHORIZED = { error: { code: 'unauthorized', message: 'Authentication failed' } };

/** A distinctive secret of 8 to 512 characters, easy to find in any output. */
function secretFor(label: string): string {
	return `sek-${label}-${randomBytes(12).toString('hex')}`;
}

async function errorCode(res: Response): Promise<string> {
	return ((await res.json()) as { error: { code: string } }).error.code;
}

function githubSignature(secret: string, body: string): string {
	return 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');
}

function basic(user: string, password: string): string {
	return 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
}

/** `webhook-gateway` from source, with only the given WEBHOOK_GATEWAY_* variables. */
function cli(
	args: string[],
	env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
	const childEnv: NodeJS.ProcessEnv = {};
	for (const [k, v] of Object.entries(process.env))
		if (!k.startsWith('WEBHOOK_GATEWAY_')) childEnv[k] = v;
	return new Promise((resolve) => {
		execFile(
			process.execPath,
			['--import', 'tsx', path.join(REPO_ROOT, 'src/cli/run.ts'), ...args],
			{ cwd: REPO_ROOT, env: { ...childEnv, ...env }, timeout: 30_000 },
			(error, stdout, stderr) => {
				resolve({
					code: error ? (typeof error.code === 'number' ? error.code : -1) : 0,
					stdout,
					stderr,
				});
			},
		);
	});
}

/**
 * Strict comparisons in `source` where one side names a secret-like value and the other side is
 * not a literal, a length or a type: the comparisons that must be constant-time instead.
 */
function secretComparisons(source: string): string[] {
	const found: string[] = [];
	const literal = /^(undefined|null|true|false|Infinity|-?\d+(\.\d+)?|'[^']*'|"[^"]*"|`[^`]*`)$/;
	const harmless = (operand: string) =>
		literal.test(operand) ||
		operand.endsWith('.length') ||
		operand.endsWith('.type') ||
		operand.endsWith('.mode');
	const sensitive = /secret|signature|token|digest|password|presented|expected|mac\b/i;
	for (const [n, line] of source.split('\n').entries()) {
		const code = line.replace(/\/\/.*$/, '');
		for (const m of code.matchAll(/([\w.$'"`\]\[-]+)\s*([!=]==?)\s*([\w.$'"`\]\[-]+)/g)) {
			const [left, right] = [m[1].replace(/^[(!]+/, ''), m[3].replace(/[)]+$/, '')];
			if (harmless(left) || harmless(right)) continue;
			if (sensitive.test(left) || sensitive.test(right)) found.push(`${n + 1}: ${line.trim()}`);
		}
	}
	return found;
}

describe('security', () => {
	let redis: RedisServer;
	let gw: TestGateway;
	const mgmt = () => gw.gateway.management;
	const secrets: Record<string, string> = {};
	const post = (id: string, headers: Record<string, string>, body = '{"x":1}') =>
		gw.request(`/hooks/${id}`, {
			method: 'POST',
			body,
			headers: { 'content-type': 'application/json', ...headers },
		});

	before(async () => {
		redis = await startRedis();
		gw = await startTestGateway({ url: redis.url });
		await mgmt().setAccountPlan('acct-sec', 'unlimited');
		const make = async (id: string, input: Record<string, unknown>) => {
			secrets[id] = secretFor(id);
			await mgmt().createEndpoint(
				{ auth: { type: 'none' }, id, accountId: 'acct-sec', secret: secrets[id], ...input },
				'test',
			);
		};
		await make('sec-a', { auth: { type: 'header', headerName: 'x-api-key' } });
		await make('sec-b', { auth: { type: 'header', headerName: 'x-api-key' } });
		await make('sec-bearer', { auth: { type: 'header' } });
		await make('sec-basic', { auth: { type: 'basic', username: 'alice' } });
		await make('sec-gh-a', {
			auth: { type: 'hmac', preset: 'github' },
			dedupe: { source: { type: 'none' } },
		});
		await make('sec-gh-b', {
			auth: { type: 'hmac', preset: 'github' },
			dedupe: { source: { type: 'none' } },
		});
		await mgmt().createEndpoint(
			{ auth: { type: 'none' }, id: 'sec-ip', accountId: 'acct-sec', ipAllowlist: ['10.0.0.0/8'] },
			'test',
		);
		await mgmt().createEndpoint(
			{
				auth: { type: 'none' },
				id: 'sec-ip-local',
				accountId: 'acct-sec',
				ipAllowlist: ['127.0.0.1/32', '::1/128'],
			},
			'test',
		);
	});
	after(async () => {
		await gw?.close();
		await redis?.stop();
	});

	describe('admin API authentication', () => {
		const adminGet = (route: string, authorization?: string, base = gw.url) =>
			fetch(`${base}/api/v1${route}`, {
				headers: authorization === undefined ? {} : { authorization },
			});

		it('401 unauthorized without a token, with a wrong one, one of another length, without "Bearer", or another scheme', async () => {
			const wrongSameLength = ADMIN_TOKEN.slice(0, -1) + (ADMIN_TOKEN.endsWith('x') ? 'y' : 'x');
			const attempts: Array<[string, string | undefined]> = [
				['no Authorization header', undefined],
				['empty Authorization', ''],
				['a wrong token of the same length', `Bearer ${wrongSameLength}`],
				['a shorter token (a prefix of the right one)', `Bearer ${ADMIN_TOKEN.slice(0, 8)}`],
				['a longer token (the right one plus more)', `Bearer ${ADMIN_TOKEN}x`],
				['the right token without "Bearer"', ADMIN_TOKEN],
				['"Bearer" and nothing else', 'Bearer '],
				['the right token in another scheme', `Basic ${ADMIN_TOKEN}`],
				['basic credentials with the token as password', basic('admin', ADMIN_TOKEN)],
				['the right token followed by another word', `Bearer ${ADMIN_TOKEN} extra`],
				['an endpoint secret', `Bearer ${secrets['sec-a']}`],
			];
			for (const route of [
				'/endpoints',
				'/endpoints/sec-a',
				'/plans',
				'/accounts',
				'/endpoints/sec-a/events',
			]) {
				for (const [label, authorization] of attempts) {
					const res = await adminGet(route, authorization);
					assert.equal(res.status, 401, `${route} with ${label}`);
					assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer realm=/);
					assert.equal(res.headers.get('cache-control'), 'no-store');
					const text = await res.text();
					assert.equal(JSON.parse(text).error.code, 'unauthorized');
					assert.ok(!text.includes(ADMIN_TOKEN.slice(0, 8)), 'the answer must not echo the token');
				}
			}
			// Changes are refused the same way, and nothing changes.
			const create = await fetch(`${gw.url}/api/v1/endpoints`, {
				method: 'POST',
				headers: { authorization: `Bearer ${wrongSameLength}`, 'content-type': 'application/json' },
				body: '{"id":"sec-sneaky"}',
			});
			assert.equal(create.status, 401);
			assert.equal((await gw.admin('GET', '/endpoints/sec-sneaky')).status, 404);
			assert.equal((await adminGet('/endpoints', `Bearer ${ADMIN_TOKEN}`)).status, 200);
			assert.equal(
				(await adminGet('/endpoints', `bearer ${ADMIN_TOKEN}`)).status,
				200,
				'the scheme name is case-insensitive (RFC 9110)',
			);
		});

		it('401 for everyone when no admin token is configured', async () => {
			const closed = await startTestGateway({ url: redis.url }, { adminToken: '' });
			try {
				for (const authorization of [
					undefined,
					`Bearer ${ADMIN_TOKEN}`,
					'Bearer ',
					'Bearer undefined',
					'Bearer null',
				]) {
					const res = await adminGet('/endpoints', authorization, closed.url);
					assert.equal(res.status, 401, String(authorization));
					assert.equal(await errorCode(res), 'unauthorized');
				}
			} finally {
				await closed.close();
			}
		});

		it('with WEBHOOK_GATEWAY_ADMIN_PORT set, the admin API is only on the admin port', async () => {
			const adminPort = await freePort();
			const split = await startTestGateway({ url: redis.url }, { adminPort });
			try {
				assert.equal(split.adminUrl, `http://127.0.0.1:${adminPort}`);
				const onIngest = await adminGet('/endpoints', `Bearer ${ADMIN_TOKEN}`, split.url);
				assert.equal(onIngest.status, 404);
				assert.equal(await errorCode(onIngest), 'not_found');
				assert.equal(
					(await adminGet('/endpoints', `Bearer ${ADMIN_TOKEN}`, split.adminUrl)).status,
					200,
				);
				assert.equal((await adminGet('/endpoints', undefined, split.adminUrl)).status, 401);
				// The console (admin by session cookie) moves with it.
				assert.equal((await fetch(`${split.url}/console/`)).status, 404);
				// ...and the admin port serves nothing else.
				const hooksOnAdmin = await fetch(`${split.adminUrl}/hooks/sec-a`, {
					method: 'POST',
					body: '{}',
				});
				assert.equal(hooksOnAdmin.status, 404);
				assert.equal(await errorCode(hooksOnAdmin), 'not_found');
				// /metrics moves to the admin port, still behind a credential.
				assert.equal(
					(
						await fetch(`${split.url}/metrics`, {
							headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
						})
					).status,
					404,
				);
				assert.equal((await fetch(`${split.adminUrl}/metrics`)).status, 401);
				assert.equal(
					(
						await fetch(`${split.adminUrl}/metrics`, {
							headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
						})
					).status,
					200,
				);
			} finally {
				await split.close();
			}
		});
	});

	describe('endpoint secrets', () => {
		it('one endpoint’s secret never authenticates another (header token, basic, GitHub HMAC)', async () => {
			assert.equal((await post('sec-a', { 'x-api-key': secrets['sec-b'] })).status, 403);
			assert.equal((await post('sec-b', { 'x-api-key': secrets['sec-a'] })).status, 403);
			assert.equal(
				(await post('sec-bearer', { authorization: `Bearer ${secrets['sec-a']}` })).status,
				403,
			);
			assert.equal(
				(await post('sec-basic', { authorization: basic('alice', secrets['sec-bearer']) })).status,
				403,
			);
			const body = '{"ref":"main"}';
			assert.equal(
				(
					await post(
						'sec-gh-a',
						{ 'x-hub-signature-256': githubSignature(secrets['sec-gh-b'], body) },
						body,
					)
				).status,
				403,
			);
			assert.equal(
				(
					await post(
						'sec-gh-b',
						{ 'x-hub-signature-256': githubSignature(secrets['sec-gh-a'], body) },
						body,
					)
				).status,
				403,
			);
			// Each with its own secret passes.
			assert.equal((await post('sec-a', { 'x-api-key': secrets['sec-a'] })).status, 202);
			assert.equal((await post('sec-b', { 'x-api-key': secrets['sec-b'] })).status, 202);
			assert.equal(
				(await post('sec-bearer', { authorization: `Bearer ${secrets['sec-bearer']}` })).status,
				202,
			);
			assert.equal(
				(await post('sec-basic', { authorization: basic('alice', secrets['sec-basic']) })).status,
				202,
			);
			assert.equal(
				(
					await post(
						'sec-gh-a',
						{ 'x-hub-signature-256': githubSignature(secrets['sec-gh-a'], body) },
						body,
					)
				).status,
				202,
			);
		});

		it('a wrong secret of the right length, of another length, a prefix, a near miss: all the same 403 that says nothing more', async () => {
			const secret = secrets['sec-a'];
			const attempts = {
				'right length, last character changed':
					secret.slice(0, -1) + (secret.endsWith('0') ? '1' : '0'),
				'right length, first character changed':
					(secret.startsWith('x') ? 'y' : 'x') + secret.slice(1),
				'shorter (a prefix)': secret.slice(0, 10),
				'longer (the secret plus one character)': `${secret}0`,
				'other case': secret.toUpperCase(),
				empty: '',
				'very long': 'x'.repeat(8000),
			};
			for (const [label, presented] of Object.entries(attempts)) {
				const res = await post('sec-a', { 'x-api-key': presented });
				assert.equal(res.status, 403, label);
				assert.deepEqual(await res.json(), UNAUTHORIZED, label);
			}
			// Missing credentials, a bad GitHub signature, basic auth with the wrong user, and a source IP outside the allow-list: the same answer.
			const others: Array<[string, Response]> = [
				['no credentials', await post('sec-a', {})],
				[
					'bad signature',
					await post('sec-gh-a', { 'x-hub-signature-256': 'sha256=' + '0'.repeat(64) }),
				],
				['malformed signature', await post('sec-gh-a', { 'x-hub-signature-256': 'nonsense' })],
				[
					'wrong user',
					await post('sec-basic', { authorization: basic('mallory', secrets['sec-basic']) }),
				],
				['IP not allowed', await post('sec-ip', {})],
			];
			for (const [label, res] of others) {
				assert.equal(res.status, 403, label);
				assert.deepEqual(await res.json(), UNAUTHORIZED, label);
			}
		});

		it('secrets and signatures are compared in constant time (crypto.timingSafeEqual), never with === or !==', () => {
			const read = (file: string) => fs.readFileSync(path.join(REPO_ROOT, file), 'utf8');
			const constantTime = read('src/auth/constantTime.ts');
			assert.match(constantTime, /import \{[^}]*timingSafeEqual[^}]*\} from 'node:crypto'/);
			assert.equal(
				(constantTime.match(/timingSafeEqual\(/g) ?? []).length,
				2,
				'secretsEqual and bytesEqual both end in timingSafeEqual',
			);
			assert.match(read('src/auth/tokens.ts'), /secretsEqual\(presented, secret\)/);
			assert.match(
				read('src/auth/tokens.ts'),
				/secretsEqual\(decoded\.slice\(0, colon\), auth\.username\)/,
			);
			assert.match(read('src/auth/hmac.ts'), /bytesEqual\(/);
			assert.match(read('src/gateway/admin.ts'), /bytesEqual\(sha256\(match\[1\]\), expected\)/);
			assert.match(read('src/gateway/console.ts'), /bytesEqual\(sha256\(token\), expected\)/);
			assert.match(read('src/gateway/session.ts'), /secretsEqual\(a, b\)/);
			assert.match(
				read('src/management/tokens.ts'),
				/secretsEqual\(await this\.hash\(token\), hash\)/,
			);
			assert.match(
				read('src/auth/handshakes.ts'),
				/secretsEqual\(presented, expected\)/,
				'the hub.verify_token check',
			);
			// One constant-time comparison for every secret: nothing else calls timingSafeEqual.
			const others = execSync('grep -rl timingSafeEqual src nodes || true', {
				cwd: REPO_ROOT,
				encoding: 'utf8',
			})
				.split('\n')
				.filter((f) => f !== '' && f !== 'src/auth/constantTime.ts');
			assert.deepEqual(others, [], 'files comparing secrets with their own timingSafeEqual');
			const files = [
				...fs.readdirSync(path.join(REPO_ROOT, 'src/auth')).map((f) => `src/auth/${f}`),
				'src/gateway/admin.ts',
				'src/gateway/ingest.ts',
			];
			const offending = files.flatMap((file) =>
				secretComparisons(read(file)).map((line) => `${file}:${line}`),
			);
			assert.deepEqual(offending, [], 'secret-like values compared with ===/!==');
			for (const file of files)
				assert.doesNotMatch(
					read(file),
					/\.(equals|compare)\(|Buffer\.compare\(/,
					`${file} compares buffers in variable time`,
				);
		});
	});

	describe('secrets never leave the gateway', () => {
		const allSecrets = () => [...Object.values(secrets), ADMIN_TOKEN];
		const assertNoSecret = (text: string, where: string) => {
			for (const secret of allSecrets())
				assert.ok(!text.includes(secret), `${where} contains a secret`);
		};

		it('not in the admin API’s list, get and usage answers', async () => {
			const list = await gw.admin('GET', '/endpoints');
			assert.equal(list.status, 200);
			assert.ok(list.body.length >= 8);
			assertNoSecret(JSON.stringify(list.body), 'GET /endpoints');
			for (const id of Object.keys(secrets)) {
				const one = await gw.admin('GET', `/endpoints/${id}`);
				assert.equal(one.status, 200);
				assert.equal(one.body.secretCount, 1);
				assertNoSecret(JSON.stringify(one.body), `GET /endpoints/${id}`);
				assertNoSecret(
					JSON.stringify((await gw.admin('GET', `/endpoints/${id}/usage`)).body),
					`GET /endpoints/${id}/usage`,
				);
			}
			// Only a create or a rotation shows a secret, once.
			const rotated = await gw.admin('POST', '/endpoints/sec-b/rotate-secret', {
				graceSeconds: 60,
			});
			assert.equal(rotated.status, 200);
			secrets['sec-b-rotated'] = rotated.body.secret;
			assertNoSecret(
				JSON.stringify((await gw.admin('GET', '/endpoints/sec-b')).body),
				'GET /endpoints/sec-b after rotation',
			);
		});

		it('not in the CLI’s endpoints list/get output (--json and human)', async () => {
			const env = {
				WEBHOOK_GATEWAY_REDIS_URL: redis.url,
				WEBHOOK_GATEWAY_KEY_PREFIX: gw.config.keyPrefix,
			};
			const listed = await cli(['endpoints', 'list', '--json'], env);
			assert.equal(listed.code, 0, listed.stderr);
			const ids = (JSON.parse(listed.stdout) as Array<{ id: string }>).map((e) => e.id);
			for (const id of Object.keys(secrets).filter((k) => !k.endsWith('-rotated')))
				assert.ok(ids.includes(id), id);
			assertNoSecret(listed.stdout + listed.stderr, 'endpoints list --json');
			const human = await cli(['endpoints', 'list'], env);
			assert.equal(human.code, 0, human.stderr);
			assertNoSecret(human.stdout + human.stderr, 'endpoints list');
			const got = await cli(['endpoints', 'get', 'sec-basic', '--json'], env);
			assert.equal(got.code, 0, got.stderr);
			assertNoSecret(got.stdout + got.stderr, 'endpoints get --json');
		});

		it('not in /metrics', async () => {
			await post('sec-a', { 'x-api-key': secrets['sec-a'] });
			await post('sec-a', { 'x-api-key': 'wrong-wrong-wrong' });
			const text = await (
				await gw.request('/metrics', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
			).text();
			assert.match(
				text,
				/webhook_gateway_requests_total\{endpoint="sec-a",outcome="unauthorized"\}/,
			);
			assertNoSecret(text, '/metrics');
			assert.ok(!text.includes('wrong-wrong-wrong'));
		});

		it('not in stored events: the credential headers of the endpoint’s scheme are removed', async () => {
			const body = '{"stored":true}';
			assert.equal(
				(await post('sec-a', { 'x-api-key': secrets['sec-a'], 'x-other': 'kept' }, body)).status,
				202,
			);
			assert.equal(
				(await post('sec-bearer', { authorization: `Bearer ${secrets['sec-bearer']}` }, body))
					.status,
				202,
			);
			assert.equal(
				(await post('sec-basic', { authorization: basic('alice', secrets['sec-basic']) }, body))
					.status,
				202,
			);
			assert.equal(
				(
					await post(
						'sec-gh-a',
						{
							'x-hub-signature-256': githubSignature(secrets['sec-gh-a'], body),
							'x-hub-signature': 'sha1=00',
						},
						body,
					)
				).status,
				202,
			);
			const [a] = await mgmt().peekEvents('sec-a', 1);
			assert.equal(a.headers['x-api-key'], undefined);
			assert.equal(a.headers['x-other'], 'kept');
			assert.equal((await mgmt().peekEvents('sec-bearer', 1))[0].headers.authorization, undefined);
			assert.equal((await mgmt().peekEvents('sec-basic', 1))[0].headers.authorization, undefined);
			const gh = (await mgmt().peekEvents('sec-gh-a', 1))[0];
			assert.equal(gh.headers['x-hub-signature-256'], undefined);
			assert.equal(gh.headers['x-hub-signature'], undefined);
			for (const id of ['sec-a', 'sec-b', 'sec-bearer', 'sec-basic', 'sec-gh-a']) {
				assertNoSecret(JSON.stringify(await mgmt().peekEvents(id, 100)), `events of ${id}`);
				assertNoSecret(
					JSON.stringify((await gw.admin('GET', `/endpoints/${id}/events?count=100`)).body),
					`GET /endpoints/${id}/events`,
				);
			}
		});

		it('not in the gateway’s logs, even at debug level', async () => {
			const logSecrets: Record<string, string> = {};
			const adminToken = `log-admin-token-${randomBytes(12).toString('hex')}`;
			const proc = await spawnGateway({
				WEBHOOK_GATEWAY_REDIS_URL: redis.url,
				WEBHOOK_GATEWAY_KEY_PREFIX: uniquePrefix(),
				WEBHOOK_GATEWAY_ADMIN_TOKEN: adminToken,
				WEBHOOK_GATEWAY_LOG_LEVEL: 'debug',
			});
			try {
				const admin = async (method: string, route: string, body?: unknown, token = adminToken) => {
					const res = await fetch(`${proc.url}/api/v1${route}`, {
						method,
						headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
						body: body === undefined ? undefined : JSON.stringify(body),
					});
					return { status: res.status, body: (await res.json().catch(() => undefined)) as any };
				};
				assert.equal(
					(await admin('PUT', '/accounts/acct-log/plan', { planId: 'unlimited' })).status,
					200,
				);
				for (const [id, auth] of Object.entries({
					'log-header': { type: 'header', headerName: 'x-api-key' },
					'log-basic': { type: 'basic', username: 'bob' },
					'log-gh': { type: 'hmac', preset: 'github' },
				})) {
					const created = await admin('POST', '/endpoints', { id, accountId: 'acct-log', auth });
					assert.equal(created.status, 201);
					logSecrets[id] = created.body.secret;
				}
				const rotated = await admin('POST', '/endpoints/log-header/rotate-secret', {
					graceSeconds: 60,
				});
				logSecrets['log-header-rotated'] = rotated.body.secret;
				const nearMiss = logSecrets['log-header'].slice(0, -1) + 'Z';
				const send = (id: string, headers: Record<string, string>, body = '{"log":1}') =>
					fetch(`${proc.url}/hooks/${id}`, {
						method: 'POST',
						body,
						headers: { 'content-type': 'application/json', ...headers },
					});
				const statuses = [
					(await send('log-header', { 'x-api-key': logSecrets['log-header'] })).status,
					(await send('log-header', { 'x-api-key': logSecrets['log-header-rotated'] })).status,
					(await send('log-header', { 'x-api-key': nearMiss })).status,
					(await send('log-basic', { authorization: basic('bob', logSecrets['log-basic']) }))
						.status,
					(await send('log-basic', { authorization: basic('eve', logSecrets['log-basic']) }))
						.status,
					(
						await send('log-gh', {
							'x-hub-signature-256': githubSignature(logSecrets['log-gh'], '{"log":1}'),
						})
					).status,
					(
						await send('log-gh', {
							'x-hub-signature-256': githubSignature(logSecrets['log-gh'], 'other'),
						})
					).status,
					(await send('log-header', { 'x-api-key': logSecrets['log-header'] }, '{bad json')).status,
					(await admin('GET', '/endpoints', undefined, adminToken.slice(0, -1) + 'Z')).status,
					(
						await admin('PATCH', '/endpoints/log-basic', {
							secret: `patched-${randomBytes(8).toString('hex')}`,
						})
					).status,
				];
				assert.deepEqual(statuses, [202, 202, 403, 202, 403, 202, 403, 400, 401, 200]);
				await new Promise((r) => setTimeout(r, 300));
				const output = proc.output();
				// Debug logging was on and did log these requests.
				assert.match(output, /"level":"debug","msg":"ingest rejected: authentication failed"/);
				assert.match(output, /"msg":"admin API change"/);
				for (const [id, secret] of Object.entries({ ...logSecrets, nearMiss, adminToken }))
					assert.ok(!output.includes(secret), `the log contains ${id}`);
				assert.ok(!output.includes('patched-'), 'the log contains a secret set through PATCH');
				assert.ok(
					!output.includes(adminToken.slice(0, -1)),
					'the log contains a presented admin token',
				);
			} finally {
				await proc.stop();
			}
		});
	});

	describe('trust proxy and the IP allow-list', () => {
		it('by default X-Forwarded-For is ignored: a spoofed address neither passes the allow-list nor becomes sourceIp', async () => {
			const spoofed = await post('sec-ip', { 'x-forwarded-for': '10.1.2.3' });
			assert.equal(spoofed.status, 403);
			assert.equal((await post('sec-ip-local', { 'x-forwarded-for': '10.1.2.3' })).status, 202);
			const [event] = await mgmt().peekEvents('sec-ip-local', 1);
			assert.equal(event.sourceIp, '127.0.0.1');
			assert.equal(event.headers['x-forwarded-for'], '10.1.2.3');
		});

		it('with trust proxy set to the proxy’s address, the client address from X-Forwarded-For is checked and stored', async () => {
			const behindProxy = await startTestGateway({ url: redis.url }, { trustProxy: 'loopback' });
			try {
				const m = behindProxy.gateway.management;
				await m.setAccountPlan('acct-proxy', 'unlimited');
				await m.createEndpoint(
					{
						auth: { type: 'none' },
						id: 'proxy-ip',
						accountId: 'acct-proxy',
						ipAllowlist: ['10.0.0.0/8'],
					},
					'test',
				);
				const send = (xff?: string) =>
					behindProxy.request('/hooks/proxy-ip', {
						method: 'POST',
						body: '{}',
						headers: {
							'content-type': 'application/json',
							...(xff ? { 'x-forwarded-for': xff } : {}),
						},
					});
				assert.equal((await send('10.1.2.3')).status, 202);
				assert.equal((await m.peekEvents('proxy-ip', 1))[0].sourceIp, '10.1.2.3');
				assert.equal(
					(await send()).status,
					403,
					'the proxy itself (127.0.0.1) is not in the allow-list',
				);
				assert.equal((await send('192.0.2.1')).status, 403);
				// Only trusted hops are skipped: a client cannot prepend an allowed address.
				assert.equal((await send('10.1.2.3, 192.0.2.1')).status, 403);
			} finally {
				await behindProxy.close();
			}
		});
	});
});
