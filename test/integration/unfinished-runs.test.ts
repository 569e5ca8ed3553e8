/**
 * Runs whose releasing process went away (README "Buffer and delivery guarantees": acknowledged only when
 * the execution finishes; a batch is never released twice), against a real Redis and real HTTP posts:
 *
 * - queue mode (a reclaim time): a releasing process is SIGKILLed while its run "goes on on a
 *   worker" (test/integration/fixtures/stuck-releaser.ts); another process releases what is new
 *   at once, and the unfinished run's events only after the reclaim time has passed since the
 *   dead process last renewed them, for the Batch Trigger's release and the Raw Trigger's consumer;
 * - regular mode (no reclaim time): after the crash the unfinished run's events come back at the
 *   next release, first;
 * - a Raw Trigger re-activated in the same process (its old consumer still running an event) does
 *   not start that event a second time.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { releaseBatches, type ReleaseSummary } from '../../src/delivery/batchRelease';
import { RawConsumer } from '../../src/delivery/rawConsumer';
import { renewEveryMs } from '../../src/delivery/reclaim';
import type { RunOutcome } from '../../src/delivery/types';
import { silentLogger } from '../../src/logger';
import type { EndpointRef } from '../../src/redis';
import type { WebhookEvent } from '../../src/types';
import { REPO_ROOT, startTestGateway, type TestGateway } from '../harness/gateway';
import { startRedis, type RedisServer } from '../harness/redis';

const ACCOUNT = 'acct-unfinished';
const LEASE_MS = 1200;
const RECLAIM_MS = 4000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('unfinished runs: a run whose releasing process died is not started again while it may still go on', () => {
	let redis: RedisServer;
	let gw: TestGateway;
	const children: ChildProcess[] = [];

	before(async () => {
		redis = await startRedis();
		gw = await startTestGateway({ url: redis.url });
		await gw.gateway.management.setAccountPlan(ACCOUNT, 'unlimited');
	});
	after(async () => {
		for (const child of children)
			if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
		await gw?.close();
		await redis?.stop();
	});

	const buffer = () => gw.gateway.stores.buffer;

	async function endpoint(id: string, sub: string): Promise<EndpointRef> {
		await gw.gateway.management.createEndpoint(
			{ auth: { type: 'none' }, id, accountId: ACCOUNT },
			'test',
		);
		const ref = { id, accountId: ACCOUNT };
		await buffer().subscribe(ref, sub, 'new');
		return ref;
	}

	async function post(id: string, count: number): Promise<string[]> {
		const out: string[] = [];
		for (let i = 0; i < count; i++) {
			const res = await gw.request(`/hooks/${id}`, {
				method: 'POST',
				body: JSON.stringify({ i }),
				headers: { 'content-type': 'application/json' },
			});
			assert.equal(res.status, 202);
			out.push(((await res.json()) as { eventId: string }).eventId);
		}
		return out;
	}

	/** Starts the stuck releaser, waits for its run to start, SIGKILLs it; returns the ids it was running and when it died. */
	async function crashDuringRun(
		ref: EndpointRef,
		sub: string,
		mode: 'batch' | 'raw',
		reclaimAfterMs: number,
		expected: number,
	): Promise<{ running: string[]; killedAt: number }> {
		const child = spawn(
			process.execPath,
			['--import', 'tsx', path.join(__dirname, 'fixtures', 'stuck-releaser.ts')],
			{
				cwd: REPO_ROOT,
				env: {
					...process.env,
					STUCK_RELEASER: JSON.stringify({
						redisUrl: redis.url,
						prefix: gw.gateway.stores.prefix,
						endpoint: ref,
						subscriberId: sub,
						mode,
						leaseMs: LEASE_MS,
						reclaimAfterMs,
					}),
				},
				stdio: ['ignore', 'pipe', 'inherit'],
			},
		);
		children.push(child);
		const running: string[] = [];
		const lines = readline.createInterface({ input: child.stdout! });
		await new Promise<void>((resolve, reject) => {
			const timer = setTimeout(
				() =>
					reject(
						new Error(
							`the ${mode} releaser started no run with ${expected} events within 15 s (got ${running.length})`,
						),
					),
				15_000,
			);
			lines.on('line', (line) => {
				if (!line.startsWith('RUNNING ')) return;
				running.push(...(JSON.parse(line.slice(8)) as string[]));
				if (running.length >= expected) {
					clearTimeout(timer);
					resolve();
				}
			});
		});
		// Let the dead process's last renewal be a recent one (they come every renewEveryMs).
		await sleep(Math.min(LEASE_MS, renewEveryMs(reclaimAfterMs || RECLAIM_MS)) + 200);
		child.kill('SIGKILL');
		await new Promise((resolve) => child.once('exit', resolve));
		return { running, killedAt: Date.now() };
	}

	/** One release by a "restarted main"; returns the event ids of each execution. */
	async function release(
		ref: EndpointRef,
		sub: string,
		reclaimAfterMs: number,
	): Promise<{ summary: ReleaseSummary; batches: string[][] }> {
		const batches: string[][] = [];
		const summary = await releaseBatches(
			{
				buffer: buffer(),
				endpoint: ref,
				subscriberId: sub,
				maxEvents: 100,
				maxAttempts: 3,
				emitWhenEmpty: false,
				leaseMs: LEASE_MS,
				reclaimAfterMs,
				logger: silentLogger,
			},
			async (events: WebhookEvent[]) => {
				batches.push(events.map((e) => e.id));
				return { ok: true };
			},
		);
		return { summary, batches };
	}

	it('Batch Trigger, queue mode: new events are released at once, the unfinished batch only after the reclaim time', async () => {
		const sub = 'wf:batch-queue';
		const ref = await endpoint('unfinished-batch-queue', sub);
		const first = await post(ref.id, 5);
		const { running, killedAt } = await crashDuringRun(ref, sub, 'batch', RECLAIM_MS, 5);
		assert.deepEqual(running, first);
		const later = await post(ref.id, 2);

		await sleep(LEASE_MS + 200); // the dead process's lease has run out
		const restarted = await release(ref, sub, RECLAIM_MS);
		assert.equal(restarted.summary.leased, true);
		assert.deepEqual(
			restarted.batches,
			[later],
			'only the new events: the unfinished batch may still be running on a worker',
		);

		const renewedBefore = killedAt - renewEveryMs(RECLAIM_MS) - 200;
		await sleep(Math.max(0, renewedBefore + RECLAIM_MS - 800 - Date.now()));
		assert.deepEqual(
			(await release(ref, sub, RECLAIM_MS)).batches,
			[],
			`not yet ${Date.now() - killedAt} ms after the crash`,
		);

		await sleep(Math.max(0, killedAt + RECLAIM_MS + 300 - Date.now()));
		assert.deepEqual(
			(await release(ref, sub, RECLAIM_MS)).batches,
			[first],
			'after the reclaim time, the unfinished batch once, whole',
		);
		assert.deepEqual((await release(ref, sub, RECLAIM_MS)).batches, []);
		assert.equal(await buffer().waiting(ref, sub), 0);
	});

	it('Batch Trigger, regular mode: once the lease has run out, the unfinished batch comes back first', async () => {
		const sub = 'wf:batch-regular';
		const ref = await endpoint('unfinished-batch-regular', sub);
		const first = await post(ref.id, 5);
		await crashDuringRun(ref, sub, 'batch', 0, 5);
		const later = await post(ref.id, 2);
		assert.equal(
			(await release(ref, sub, 0)).summary.leased,
			false,
			'the dead process still holds its lease',
		);
		await sleep(LEASE_MS + 200);
		assert.deepEqual((await release(ref, sub, 0)).batches, [[...first, ...later]]);
	});

	/** Runs a Raw Trigger consumer until `until` holds; returns the event ids it ran, in order. */
	async function consume(
		ref: EndpointRef,
		sub: string,
		reclaimAfterMs: number,
		until: (ran: string[]) => boolean,
		timeoutMs: number,
	): Promise<{ ran: { id: string; at: number }[] }> {
		const blocking = gw.gateway.stores.blockingBuffer();
		const ran: { id: string; at: number }[] = [];
		const consumer = new RawConsumer(
			{
				buffer: blocking.buffer,
				endpoint: ref,
				subscriberId: sub,
				concurrency: 10,
				maxAttempts: 3,
				blockMs: 200,
				reclaimAfterMs,
				logger: silentLogger,
			},
			async (events) => {
				for (const e of events) ran.push({ id: e.id, at: Date.now() });
				return { ok: true };
			},
		);
		consumer.start();
		const deadline = Date.now() + timeoutMs;
		while (!until(ran.map((r) => r.id)) && Date.now() < deadline) await sleep(50);
		await consumer.stop();
		await consumer.whenIdle();
		blocking.close();
		return { ran };
	}

	it('Raw Trigger, queue mode: new events run at once, the unfinished ones only after the reclaim time', async () => {
		const sub = 'wf:raw-queue';
		const ref = await endpoint('unfinished-raw-queue', sub);
		const first = await post(ref.id, 3);
		const { running, killedAt } = await crashDuringRun(ref, sub, 'raw', RECLAIM_MS, 3);
		assert.deepEqual([...running].sort(), [...first].sort());
		const later = await post(ref.id, 2);
		const all = new Set([...first, ...later]);
		const { ran } = await consume(
			ref,
			sub,
			RECLAIM_MS,
			(ids) => ids.length >= 5,
			RECLAIM_MS + 10_000,
		);
		assert.deepEqual(new Set(ran.map((r) => r.id)), all, 'every event ran');
		assert.equal(ran.length, 5, 'each once');
		const renewedBefore = killedAt - renewEveryMs(RECLAIM_MS) - 200;
		for (const r of ran) {
			if (later.includes(r.id))
				assert.ok(
					r.at - killedAt < 2000,
					`new event ${r.id} ran ${r.at - killedAt} ms after the crash`,
				);
			else
				assert.ok(
					r.at >= renewedBefore + RECLAIM_MS,
					`unfinished event ${r.id} ran ${r.at - killedAt} ms after the crash, before the reclaim time`,
				);
		}
		assert.equal(await buffer().waiting(ref, sub), 0);
	});

	it('Raw Trigger re-activated in the same process: the new consumer does not start what the old one still runs', async () => {
		const sub = 'wf:raw-reactivated';
		const ref = await endpoint('unfinished-raw-reactivated', sub);
		const blocking = gw.gateway.stores.blockingBuffer();
		let finish!: (o: RunOutcome) => void;
		const slow: string[] = [];
		const old = new RawConsumer(
			{
				buffer: blocking.buffer,
				endpoint: ref,
				subscriberId: sub,
				concurrency: 5,
				maxAttempts: 3,
				blockMs: 200,
				logger: silentLogger,
			},
			async (events) => {
				slow.push(...events.map((e) => e.id));
				return await new Promise<RunOutcome>((resolve) => (finish = resolve));
			},
		);
		old.start();
		const [x] = await post(ref.id, 1);
		for (let i = 0; i < 100 && slow.length === 0; i++) await sleep(50);
		assert.deepEqual(slow, [x]);
		await old.stop(); // the workflow is deactivated; its run goes on

		const [y] = await post(ref.id, 1);
		const { ran } = await consume(ref, sub, 0, (ids) => ids.includes(y), 10_000);
		assert.deepEqual(
			ran.map((r) => r.id),
			[y],
			'the re-activated trigger ran the new event, not the one still running',
		);
		finish({ ok: true });
		await old.whenIdle();
		blocking.close();
		assert.equal(await buffer().waiting(ref, sub), 0, 'the old run acknowledged its event');
	});
});
