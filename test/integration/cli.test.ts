/**
 * The `webhook-gateway` CLI as a child process against a real redis-server: human and --json
 * output, secrets shown once, exit codes and messages for bad input and bad configuration.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../harness/ports';
import { startRedis, type RedisServer } from '../harness/redis';

const ROOT = path.resolve(__dirname, '../..');
const ENTRY = path.join(ROOT, 'src/cli/run.ts');

interface Run {
	code: number;
	stdout: string;
	stderr: string;
}

let redis: RedisServer;
before(async () => {
	redis = await startRedis();
});
after(async () => {
	await redis?.stop();
});

/** This process's environment without WEBHOOK_GATEWAY_* variables, plus `extra`. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [k, v] of Object.entries(process.env))
		if (!k.startsWith('WEBHOOK_GATEWAY_')) env[k] = v;
	return Object.assign(env, extra);
}

/** A CLI bound to a fresh key prefix; extra env replaces or adds variables. */
function cliFor(prefix = `cli-test-${randomUUID().slice(0, 8)}:`) {
	return (args: string[], env: Record<string, string> = {}): Promise<Run> =>
		new Promise((resolve) => {
			// One process: a cluster primary run from source (tsx) never hears that a worker exited,
			// so a worker that fails at start would leave it waiting (workers.test.ts runs the dist).
			const vars = {
				WEBHOOK_GATEWAY_REDIS_URL: redis.url,
				WEBHOOK_GATEWAY_KEY_PREFIX: prefix,
				WEBHOOK_GATEWAY_PUBLIC_URL: 'https://hooks.example.com',
				WEBHOOK_GATEWAY_WORKERS: '1',
				...env,
			};
			execFile(
				process.execPath,
				['--import', 'tsx', ENTRY, ...args],
				{ cwd: ROOT, env: childEnv(vars), timeout: 30_000 },
				(error, stdout, stderr) => {
					const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
					resolve({ code, stdout, stderr });
				},
			);
		});
}

function ok(run: Run): Run {
	assert.equal(run.code, 0, `exit ${run.code}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`);
	return run;
}

describe('webhook-gateway CLI', () => {
	test('endpoints: create shows the secret once; list, get and usage never do; delete needs --yes', async () => {
		const cli = cliFor();
		const created = JSON.parse(
			ok(
				await cli([
					'endpoints',
					'create',
					'--id',
					'gh-main',
					'--name',
					'GitHub main',
					'--auth',
					'github',
					'--json',
				]),
			).stdout,
		);
		assert.equal(created.endpoint.id, 'gh-main');
		assert.equal(created.endpoint.url, 'https://hooks.example.com/hooks/gh-main');
		assert.deepEqual(created.endpoint.auth, { type: 'hmac', preset: 'github' });
		const secret: string = created.secret;
		assert.equal(typeof secret, 'string');
		assert.ok(secret.length >= 16);

		const list = ok(await cli(['endpoints', 'list']));
		assert.match(list.stdout, /^ID\s+NAME\s+ACCOUNT\s+AUTH/m);
		assert.match(
			list.stdout,
			/^gh-main\s+GitHub main\s+default\s+hmac:github\s+POST\s+yes\s+https:\/\/hooks\.example\.com\/hooks\/gh-main$/m,
		);
		assert.ok(!list.stdout.includes(secret));

		const got = JSON.parse(ok(await cli(['endpoints', 'get', 'gh-main', '--json'])).stdout);
		assert.equal(got.id, 'gh-main');
		assert.equal(got.secretCount, 1);
		assert.equal(got.secret, undefined);
		const human = ok(await cli(['endpoints', 'get', 'gh-main']));
		assert.match(human.stdout, /^id: gh-main$/m);
		assert.ok(!human.stdout.includes(secret));

		const usage = ok(await cli(['endpoints', 'usage', 'gh-main', '--json']));
		const parsed = JSON.parse(usage.stdout);
		assert.equal(parsed.endpointId, 'gh-main');
		assert.equal(parsed.plan.id, 'forever-free');
		assert.equal(parsed.acceptedToday, 0);
		assert.equal(parsed.buffer.length, 0);
		assert.match(ok(await cli(['endpoints', 'usage', 'gh-main'])).stdout, /^dailyRemaining: 50$/m);

		const rotated = ok(await cli(['endpoints', 'rotate-secret', 'gh-main', '--grace', '60']));
		assert.match(rotated.stdout, /shown once, store it now/);
		const newSecret = /^secret: (\S+)$/m.exec(rotated.stdout)?.[1];
		assert.ok(newSecret && newSecret !== secret);
		assert.ok(!ok(await cli(['endpoints', 'list', '--json'])).stdout.includes(newSecret));

		const refused = await cli(['endpoints', 'delete', 'gh-main']);
		assert.equal(refused.code, 1);
		assert.match(refused.stderr, /--yes/);
		ok(await cli(['endpoints', 'delete', 'gh-main', '--yes']));
		const gone = await cli(['endpoints', 'get', 'gh-main']);
		assert.equal(gone.code, 1);
		assert.match(gone.stderr, /endpoint 'gh-main' does not exist/);
		assert.ok(!gone.stderr.includes('    at '), 'no stack trace for an expected error');
	});

	test('endpoints: update, disable/enable and token auth', async () => {
		const cli = cliFor();
		const created = JSON.parse(
			ok(
				await cli([
					'endpoints',
					'create',
					'--id',
					'crm',
					'--auth',
					'token',
					'--header',
					'X-Api-Key',
					'--methods',
					'POST,PUT',
					'--dedupe-header',
					'Idempotency-Key',
					'--json',
				]),
			).stdout,
		);
		assert.deepEqual(created.endpoint.auth, {
			type: 'header',
			headerName: 'x-api-key',
			prefix: '',
		});
		assert.deepEqual(created.endpoint.methods, ['POST', 'PUT']);
		assert.deepEqual(created.endpoint.dedupe.source, { type: 'header', name: 'idempotency-key' });
		assert.ok(created.secret);
		const updated = JSON.parse(
			ok(
				await cli([
					'endpoints',
					'update',
					'crm',
					'--name',
					'CRM',
					'--no-dedupe',
					'--ip-allow',
					'10.0.0.0/8, 192.0.2.7',
					'--json',
				]),
			).stdout,
		);
		assert.equal(updated.endpoint.name, 'CRM');
		assert.deepEqual(updated.endpoint.dedupe.source, { type: 'none' });
		assert.deepEqual(updated.endpoint.ipAllowlist, ['10.0.0.0/8', '192.0.2.7']);
		assert.equal(updated.secret, undefined);
		assert.match(ok(await cli(['endpoints', 'disable', 'crm'])).stdout, /^enabled: false$/m);
		assert.equal(
			JSON.parse(ok(await cli(['endpoints', 'enable', 'crm', '--json'])).stdout).endpoint.enabled,
			true,
		);
	});

	test('plans and accounts', async () => {
		const cli = cliFor();
		const plans = ok(await cli(['plans', 'list']));
		for (const line of [
			/^free-trial\s+Free Trial\s+1\s+1\s+50\s+yes$/m,
			/^forever-free\s+Forever Free\s+1\s+1\s+50\s+yes$/m,
			/^advanced\s+Advanced\s+5\s+5\s+250\s+yes$/m,
			/^business\s+Business\s+5\s+5\s+300\s+yes$/m,
			/^unlimited\s+Unlimited \(self-hosted\)\s+none\s+none\s+none\s+yes$/m,
		]) {
			assert.match(plans.stdout, line);
		}
		assert.equal(JSON.parse(ok(await cli(['plans', 'list', '--json'])).stdout).length, 5);

		const gold = JSON.parse(
			ok(
				await cli([
					'plans',
					'upsert',
					'gold',
					'--name',
					'Gold',
					'--rate',
					'10',
					'--burst',
					'20',
					'--daily',
					'1000',
					'--json',
				]),
			).stdout,
		);
		assert.deepEqual(gold, {
			id: 'gold',
			name: 'Gold',
			rate: 10,
			burst: 20,
			daily: 1000,
			builtIn: false,
		});
		// options not given keep their value; 'none' removes a limit
		const changed = JSON.parse(
			ok(await cli(['plans', 'upsert', 'gold', '--daily', 'none', '--json'])).stdout,
		);
		assert.deepEqual(changed, {
			id: 'gold',
			name: 'Gold',
			rate: 10,
			burst: 20,
			daily: null,
			builtIn: false,
		});
		const builtIn = await cli(['plans', 'upsert', 'business', '--daily', '5']);
		assert.equal(builtIn.code, 1);
		assert.match(builtIn.stderr, /built-in/);
		const badRate = await cli(['plans', 'upsert', 'silver', '--rate', 'fast']);
		assert.equal(badRate.code, 1);
		assert.match(badRate.stderr, /rate/);

		const account = JSON.parse(
			ok(await cli(['accounts', 'set-plan', 'acme', 'gold', '--json'])).stdout,
		);
		assert.equal(account.planId, 'gold');
		assert.match(ok(await cli(['accounts', 'list'])).stdout, /^acme\s+gold\s+/m);
		assert.match(ok(await cli(['accounts', 'get', 'acme'])).stdout, /^plan: gold /m);
		const inUse = await cli(['plans', 'delete', 'gold']);
		assert.equal(inUse.code, 1);
		assert.match(inUse.stderr, /acme/);
	});

	test('events: peek and dead letters of a new endpoint are empty', async () => {
		const cli = cliFor();
		ok(await cli(['endpoints', 'create', '--id', 'quiet']));
		assert.deepEqual(
			JSON.parse(ok(await cli(['events', 'peek', 'quiet', '--count', '5', '--json'])).stdout),
			[],
		);
		assert.match(ok(await cli(['events', 'peek', 'quiet'])).stdout, /No buffered events/);
		assert.deepEqual(
			JSON.parse(ok(await cli(['events', 'dead-letters', 'quiet', '--json'])).stdout),
			[],
		);
		assert.deepEqual(JSON.parse(ok(await cli(['events', 'replay', 'quiet', '--json'])).stdout), {
			replayed: [],
			skipped: [],
		});
	});

	test('bad input exits 1 with a clear message; usage errors exit 2', async () => {
		const cli = cliFor();
		const methods = await cli(['endpoints', 'create', '--methods', 'FOO']);
		assert.equal(methods.code, 1);
		assert.match(methods.stderr, /method 'FOO' is not one of GET, POST, PUT, PATCH, DELETE/);
		assert.equal(methods.stdout, '');

		const auth = await cli(['endpoints', 'create', '--auth', 'gitlub']);
		assert.equal(auth.code, 1);
		assert.match(auth.stderr, /--auth must be one of/);

		const unknown = await cli(['endpoints', 'frobnicate']);
		assert.equal(unknown.code, 2);
		assert.match(unknown.stderr, /unknown command/);
		const grace = await cli(['endpoints', 'rotate-secret', 'x', '--grace', 'soon']);
		assert.equal(grace.code, 2);
		assert.match(grace.stderr, /--grace/);
		const dedupe = await cli(['endpoints', 'create', '--dedupe-header', 'x-id', '--no-dedupe']);
		assert.equal(dedupe.code, 2);
	});

	test('bad configuration exits 1 naming the variable; an unreachable Redis exits 1', async () => {
		const cli = cliFor();
		const port = await cli(['plans', 'list'], { WEBHOOK_GATEWAY_PORT: 'abc' });
		assert.equal(port.code, 1);
		assert.match(port.stderr, /WEBHOOK_GATEWAY_PORT/);
		assert.ok(!port.stderr.includes('    at '));

		const flag = await cli(['--redis-url', 'http://nope', 'plans', 'list']);
		assert.equal(flag.code, 1);
		assert.match(flag.stderr, /--redis-url/);

		const down = await cli([
			'--redis-url',
			`redis://127.0.0.1:${await freePort()}`,
			'endpoints',
			'list',
		]);
		assert.equal(down.code, 1);
		assert.match(down.stderr, /cannot reach Redis/);
	});

	test('--key-prefix selects another set of endpoints', async () => {
		const cli = cliFor();
		ok(await cli(['endpoints', 'create', '--id', 'only-here']));
		const other = `cli-test-${randomUUID().slice(0, 8)}:`;
		assert.deepEqual(
			JSON.parse(ok(await cli(['--key-prefix', other, 'endpoints', 'list', '--json'])).stdout),
			[],
		);
		assert.equal(JSON.parse(ok(await cli(['endpoints', 'list', '--json'])).stdout).length, 1);
	});

	test('serve refuses configuration that cannot work: exit 1 with a message naming the variable', async () => {
		const cli = cliFor();
		const cases: [string, string, RegExp][] = [
			[
				'WEBHOOK_GATEWAY_DEFAULT_PLAN',
				'no-such-plan',
				/WEBHOOK_GATEWAY_DEFAULT_PLAN: plan 'no-such-plan' does not exist/,
			],
			['WEBHOOK_GATEWAY_TRUST_PROXY', '10.0.0.0/99', /WEBHOOK_GATEWAY_TRUST_PROXY/],
			[
				'WEBHOOK_GATEWAY_ADMIN_TOKEN',
				'change-me-to-a-long-random-token',
				/WEBHOOK_GATEWAY_ADMIN_TOKEN: this is the example token/,
			],
			[
				'WEBHOOK_GATEWAY_ADMIN_TOKEN',
				'only-twenty-chars-ok',
				/WEBHOOK_GATEWAY_ADMIN_TOKEN: expected at least 32 characters/,
			],
			['WEBHOOK_GATEWAY_BUFFER_MAX_EVENTS', '0', /WEBHOOK_GATEWAY_BUFFER_MAX_EVENTS/],
			['WEBHOOK_GATEWAY_MAX_BODY', '1gb', /WEBHOOK_GATEWAY_MAX_BODY/],
			['WEBHOOK_GATEWAY_REDIS_TIMEOUT', '0', /WEBHOOK_GATEWAY_REDIS_TIMEOUT/],
		];
		await Promise.all(
			cases.map(async ([name, value, message]) => {
				const run = await cli(['serve'], {
					WEBHOOK_GATEWAY_HOST: '127.0.0.1',
					WEBHOOK_GATEWAY_PORT: String(await freePort()),
					[name]: value,
				});
				assert.equal(run.code, 1, `${name}=${value}: exit ${run.code}\n${run.stderr}`);
				assert.match(run.stderr, message, `${name}=${value}`);
				assert.ok(!run.stderr.includes('    at '), 'no stack trace');
			}),
		);
	});

	test('serve runs the gateway with the admin API and stops on SIGTERM with exit 0', async () => {
		const token = 'cli-serve-token-0123456789abcdefghij';
		const env = childEnv({
			WEBHOOK_GATEWAY_REDIS_URL: redis.url,
			WEBHOOK_GATEWAY_KEY_PREFIX: `cli-test-${randomUUID().slice(0, 8)}:`,
			WEBHOOK_GATEWAY_HOST: '127.0.0.1',
			WEBHOOK_GATEWAY_PORT: String(await freePort()),
			WEBHOOK_GATEWAY_ADMIN_TOKEN: token,
			WEBHOOK_GATEWAY_LOG_LEVEL: 'warn',
		});
		const child = spawn(
			process.execPath,
			['--import', 'tsx', ENTRY, 'serve', '--json', '--workers', '2'],
			{ cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
		);
		let stdout = '';
		let stderr = '';
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		const exited = once(child, 'exit');
		try {
			const started = await new Promise<{ url: string; adminUrl: string; workers: number }>(
				(resolve, reject) => {
					const timer = setTimeout(
						() => reject(new Error(`serve did not start: ${stderr}`)),
						20_000,
					);
					child.stdout.on('data', (chunk: Buffer) => {
						stdout += chunk.toString();
						if (stdout.includes('\n}')) {
							clearTimeout(timer);
							resolve(JSON.parse(stdout) as { url: string; adminUrl: string; workers: number });
						}
					});
					child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
				},
			);
			assert.equal(started.adminUrl, `${started.url}/api/v1`);
			assert.equal(started.workers, 2);
			assert.equal((await fetch(`${started.url}/healthz`)).status, 200);
			assert.equal((await fetch(`${started.adminUrl}/plans`)).status, 401);
			const plans = await fetch(`${started.adminUrl}/plans`, {
				headers: { authorization: `Bearer ${token}` },
			});
			assert.equal(plans.status, 200);
			assert.equal(((await plans.json()) as unknown[]).length, 5);
		} finally {
			child.kill('SIGTERM');
		}
		const [code] = await exited;
		assert.equal(code, 0, stderr);
	});
});
