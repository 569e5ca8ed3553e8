/**
 * `webhook-gateway serve --workers N`: N gateway processes on one port sharing only Redis (node:
 * cluster). A real redis-server and the real CLI (dist): the workers share the port and the
 * requests, /metrics is the view across workers (counters summed, Redis gauges taken once), a
 * killed worker is replaced while the others keep accepting, SIGTERM drains an in-flight request
 * and ends with exit 0, and a worker that cannot start fails the whole start.
 *
 * Run: npm run build && node --import tsx --test test/integration/workers.test.ts
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { ManagementService } from '../../src/management/service';
import { createStores, type Stores } from '../../src/redis';
import { spawnGateway, uniquePrefix, type GatewayProcess } from '../harness/gateway';
import { startRedis, type RedisServer } from '../harness/redis';

const METRICS_TOKEN = 'workers-test-metrics-token-0123456789';
const ref = { id: 'ep-workers', accountId: 'acct' };

/** Pids of the direct children of `pid` (Linux /proc). */
function childPids(pid: number): number[] {
	const children: number[] = [];
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			// "pid (comm) state ppid ...": comm may hold spaces, so split after its closing parenthesis.
			const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
			const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
			if (ppid === pid) children.push(Number(entry));
		} catch {
			// The process ended while we listed: not a child any more.
		}
	}
	return children;
}

/** One POST on a connection of its own (the cluster hands out connections, not requests). */
function post(url: string, body: string): Promise<{ status: number; text: string }> {
	return new Promise((resolve, reject) => {
		const req = http.request(
			`${url}/hooks/${ref.id}`,
			{
				method: 'POST',
				agent: false,
				headers: { 'content-type': 'application/json', connection: 'close' },
			},
			(res) => {
				let text = '';
				res.on('data', (d: Buffer) => (text += d.toString()));
				res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
			},
		);
		req.on('error', reject);
		req.end(body);
	});
}

async function metricValue(url: string, pattern: RegExp): Promise<number> {
	const response = await fetch(`${url}/metrics`, {
		headers: { authorization: `Bearer ${METRICS_TOKEN}` },
	});
	assert.equal(response.status, 200);
	const match = pattern.exec(await response.text());
	return match ? Number(match[1]) : Number.NaN;
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
	const end = Date.now() + timeoutMs;
	while (Date.now() < end) {
		if (await check()) return true;
		await new Promise((r) => setTimeout(r, 100));
	}
	return check();
}

describe('serve --workers 2', () => {
	let redis: RedisServer;
	let stores: Stores;
	let gw: GatewayProcess;
	const prefix = uniquePrefix();
	let env: Record<string, string>;

	before(async () => {
		redis = await startRedis();
		stores = createStores({ url: redis.url, offlineQueue: true }, prefix);
		const m = new ManagementService(stores, {
			publicUrl: 'http://x',
			defaultPlan: 'unlimited',
			defaultBufferCapacity: 100_000,
		});
		await m.setAccountPlan(ref.accountId, 'unlimited');
		await m.createEndpoint(
			{ auth: { type: 'none' }, id: ref.id, accountId: ref.accountId },
			'test',
		);
		env = {
			WEBHOOK_GATEWAY_REDIS_URL: redis.url,
			WEBHOOK_GATEWAY_KEY_PREFIX: prefix,
			WEBHOOK_GATEWAY_METRICS_TOKEN: METRICS_TOKEN,
			WEBHOOK_GATEWAY_LOG_LEVEL: 'info',
			WEBHOOK_GATEWAY_WORKERS: '2',
		};
		gw = await spawnGateway(env);
		// The port opens with the first worker; the primary logs each one that listens.
		assert.ok(
			await until(() => (gw.output().match(/gateway worker listening/g) ?? []).length >= 2, 20_000),
			gw.output(),
		);
	});
	after(async () => {
		await gw?.stop();
		await stores?.close();
		await redis?.stop();
	});

	it('two processes share the port; /metrics sums their counters and reads the buffer once', async () => {
		const workers = childPids(gw.child.pid as number);
		assert.equal(
			workers.length,
			2,
			`two worker processes under the primary: ${workers.join(', ')}`,
		);
		const sent = 40;
		for (let i = 0; i < sent; i++)
			assert.equal((await post(gw.url, JSON.stringify({ i }))).status, 202);
		// Connections go to the workers in turn: one worker alone counted about half of them.
		const accepted = await metricValue(
			gw.url,
			/webhook_gateway_requests_total\{endpoint="ep-workers",outcome="accepted"\} (\d+)/,
		);
		assert.equal(accepted, sent, 'the scrape shows the requests of both workers');
		const buffered = await metricValue(
			gw.url,
			/webhook_gateway_buffer_events\{endpoint="ep-workers"\} (\d+)/,
		);
		assert.equal(
			buffered,
			sent,
			'a gauge read from Redis is not multiplied by the number of workers',
		);
		assert.equal((await stores.buffer.depth(ref)).length, sent);
	});

	it('a killed worker is replaced; the other keeps accepting meanwhile', async () => {
		const [victim, survivor] = childPids(gw.child.pid as number);
		const before = (await stores.buffer.depth(ref)).length;
		process.kill(victim, 'SIGKILL');
		assert.ok(
			await until(() => gw.output().includes('gateway worker died; starting another'), 10_000),
			gw.output(),
		);
		// Until the replacement listens, every connection goes to the survivor.
		for (let i = 0; i < 10; i++)
			assert.equal((await post(gw.url, JSON.stringify({ during: i }))).status, 202);
		assert.ok(
			await until(() => (gw.output().match(/gateway worker listening/g) ?? []).length >= 3, 15_000),
			'a new worker replaced the killed one',
		);
		const now = childPids(gw.child.pid as number);
		assert.ok(now.includes(survivor) && !now.includes(victim), `workers now: ${now.join(', ')}`);
		assert.equal((await stores.buffer.depth(ref)).length, before + 10);
	});

	it('SIGTERM to the primary drains an in-flight request, then every process exits 0', async () => {
		const workers = childPids(gw.child.pid as number);
		const body = JSON.stringify({ slow: true });
		const before = (await stores.buffer.depth(ref)).length;
		const answered = new Promise<{ status: number }>((resolve, reject) => {
			const req = http.request(
				`${gw.url}/hooks/${ref.id}`,
				{
					method: 'POST',
					agent: false,
					headers: {
						'content-type': 'application/json',
						'content-length': String(Buffer.byteLength(body)),
					},
				},
				(res) => {
					res.resume();
					res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
				},
			);
			req.on('error', reject);
			req.write(body.slice(0, 5));
			// The request is in a worker when the signal arrives; the rest of the body follows.
			setTimeout(() => {
				gw.child.kill('SIGTERM');
				setTimeout(() => req.end(body.slice(5)), 500);
			}, 300);
		});
		assert.equal((await answered).status, 202);
		const code = await new Promise<number | null>((resolve) =>
			gw.child.exitCode !== null
				? resolve(gw.child.exitCode)
				: gw.child.once('exit', (c) => resolve(c)),
		);
		assert.equal(code, 0, gw.output());
		assert.equal(
			(await stores.buffer.depth(ref)).length,
			before + 1,
			'the drained request was stored',
		);
		assert.ok(
			await until(() => workers.every((pid) => !fs.existsSync(`/proc/${pid}`)), 5000),
			'no worker outlives the primary',
		);
	});

	it('a worker that cannot start fails the whole start with its reason', async () => {
		const failing = await spawnGateway({
			...env,
			WEBHOOK_GATEWAY_DEFAULT_PLAN: 'no-such-plan',
		}).then(
			(g) => g,
			(error: Error) => error,
		);
		assert.ok(failing instanceof Error, 'the start failed');
		assert.match(
			failing.message,
			/WEBHOOK_GATEWAY_DEFAULT_PLAN: plan 'no-such-plan' does not exist/,
		);
		assert.match(failing.message, /a gateway worker ended before it listened/);
	});

	it('--workers takes a whole number from 1 to 64', async () => {
		const failing = await spawnGateway({ ...env, WEBHOOK_GATEWAY_WORKERS: 'many' }).then(
			(g) => g,
			(error: Error) => error,
		);
		assert.ok(failing instanceof Error);
		assert.match(
			failing.message,
			/WEBHOOK_GATEWAY_WORKERS: expected a whole number of worker processes from 1 to 64, got "many"/,
		);
	});
});
