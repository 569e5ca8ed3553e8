/**
 * Scale-out (docs/scaling.md): the deployment of docs/scaling.md, on loopback.
 *
 * - OUR data on a 3-master Redis Cluster (startRedisCluster);
 * - two standalone gateways (`webhook-gateway serve`, the built bin) on that cluster;
 * - n8n 2.41.1 in queue mode: one main (`n8n start`: triggers, enqueues) and one worker
 *   (`n8n worker`: runs the executions), Bull on a private standalone redis-server, one PostgreSQL
 *   (harness/n8nQueue.ts); the package installed from its npm tarball; the credential points
 *   at the cluster with "Serve endpoints" OFF (the standalone gateways serve).
 *
 * Cases:
 * 0. queue mode itself: n8n's own Webhook node's executions are enqueued by the main, run by the worker;
 * 1. limits are exact across the two gateways on the cluster (rate 5 / burst 5, 100 connections);
 * 2. the Batch Trigger's executions run on the worker, and the events are acknowledged only after
 *    the worker's run succeeded (pending > 0 while it runs, 0 only after it finished);
 * 3. a failing run leaves its events pending; the next tick releases the same events again;
 * 4. the main stopped gracefully (SIGTERM) during a release, then started again: the run in flight
 *    is acknowledged before the main exits; nothing lost, nothing delivered twice;
 * 5. the main killed (SIGKILL) during a run that outlives the release lease, then started again:
 *    nothing lost; the restarted main releases the new events at once but the batch whose run goes
 *    on on the worker only after the trigger's "Unfinished Run Timeout" (src/delivery/reclaim.ts),
 *    so no event is in two runs at the same time; an event is delivered twice only when the first
 *    run was never acknowledged (the one in flight at the crash).
 *
 * Needs `npm run build`. Bounded to 10 minutes (about 6); the figures are printed
 * at the end. E2E_N8N_LOG=<file> keeps the main's and the worker's logs; N8N_QUEUE_DATABASE=sqlite
 * runs n8n on SQLite instead of PostgreSQL.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LEASE_MS } from '../../src/delivery/batchRelease';
import { renewEveryMs } from '../../src/delivery/reclaim';
import { ManagementService } from '../../src/management/service';
import { createStores, type Stores } from '../../src/redis';
import { spawnGateway, uniquePrefix, type GatewayProcess } from '../harness/gateway';
import { assertRateLimitAcrossGateways } from '../helpers/rateLimitRun';
import { packPackage, webhookWorkflow } from '../harness/n8n';
import { queueLogFacts, startN8nQueue, type N8nQueue } from '../harness/n8nQueue';
import { startRedisCluster, type RedisCluster } from '../harness/redis';
import {
	assertBuilt,
	awayFromTick,
	eventually,
	sendWebhook,
	sleep,
	TICK_MS,
	triggerItems,
	triggerWorkflow,
	TRIGGER_NODE,
} from './fixtures/triggers';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const FILE_TIMEOUT_MS = 600_000;

interface Ctx {
	cluster: RedisCluster;
	clusterNodes: string[];
	prefix: string;
	stores: Stores;
	management: ManagementService;
	gateways: GatewayProcess[];
	queue: N8nQueue;
	credential: { id: string; name: string };
}

interface Flow {
	id: string;
	sub: string;
	endpointId: string;
}

let ctx: Ctx | undefined;
/** What before() started so far, for after() to stop even when the set-up failed half-way. */
const live: {
	cluster?: RedisCluster;
	gateways: GatewayProcess[];
	queue?: N8nQueue;
	stores?: Stores;
} = { gateways: [] };
const figures: string[] = [];
const t0 = Date.now();
const since = (t: number) => `${((Date.now() - t) / 1000).toFixed(1)} s`;

function c(): Ctx {
	assert.ok(ctx, 'the set-up did not finish');
	return ctx;
}

/**
 * Trigger (every 10 s) → a slow step → No Operation (or Stop And Error). The slow step is a Wait
 * node, which waits in the worker's process for runs below 65 s.
 */
function slowWorkflow(
	name: string,
	endpointId: string,
	seconds: number,
	options: FlowOptions = {},
) {
	const base = triggerWorkflow(name, {
		kind: 'batch',
		credential: c().credential,
		endpointId,
		fail: options.fail,
		parameters: options.unfinishedRunTimeout
			? { options: { unfinishedRunTimeout: options.unfinishedRunTimeout } }
			: undefined,
	});
	const [trigger, last] = base.nodes;
	const slow = {
		id: randomUUID(),
		name: 'Slow',
		type: 'n8n-nodes-base.wait',
		typeVersion: 1.1,
		position: [120, 0],
		webhookId: randomUUID(),
		parameters: { resume: 'timeInterval', amount: seconds, unit: 'seconds' },
	};
	return {
		...base,
		nodes: [trigger, slow, { ...last, position: [360, 0] }],
		connections: {
			[TRIGGER_NODE]: { main: [[{ node: slow.name, type: 'main', index: 0 }]] },
			[slow.name]: { main: [[{ node: last.name, type: 'main', index: 0 }]] },
		},
	};
}

function listeningCount(sub: string): number {
	const escaped = sub.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	return (
		c()
			.queue.main.logs()
			.match(new RegExp(`Trigger listening on[^\\n]*subscriber=${escaped}`, 'g')) ?? []
	).length;
}

async function waitListening(sub: string, count: number): Promise<void> {
	assert.ok(
		await eventually(async () => listeningCount(sub) >= count, 60_000),
		`the trigger ${sub} logged "listening on" ${count} time(s)`,
	);
}

interface FlowOptions {
	fail?: boolean;
	/** The trigger's "Unfinished Run Timeout (Minutes)" (default 60). */
	unfinishedRunTimeout?: number;
}

async function activeFlow(
	name: string,
	endpointId: string,
	seconds: number,
	options: FlowOptions = {},
): Promise<Flow> {
	await c().management.createEndpoint(
		{ auth: { type: 'none' }, id: endpointId, name: `Scale ${endpointId}`, accountId: 'default' },
		'e2e',
	);
	const wf = slowWorkflow(name, endpointId, seconds, options);
	const { id } = await c().queue.main.createWorkflow(wf);
	const sub = `${id}:${wf.triggerNodeId}`;
	await c().queue.main.activate(id);
	await waitListening(sub, 1);
	return { id, sub, endpointId };
}

/** Sends `count` webhooks, alternating between the two gateways; returns the accepted event ids. */
async function sendThroughBoth(endpointId: string, from: number, count: number): Promise<string[]> {
	const ids: string[] = [];
	for (let seq = from; seq < from + count; seq++) {
		const gateway = c().gateways[seq % 2]!;
		const sent = await sendWebhook(gateway.url, endpointId, seq);
		assert.equal(
			sent.status,
			202,
			`webhook ${seq} via gateway ${seq % 2}: ${sent.status} ${JSON.stringify(sent.body)}`,
		);
		ids.push(sent.body.eventId);
	}
	return ids;
}

/** The subscriber's counters in Redis: pending = delivered and not acknowledged; waiting = not acknowledged. */
async function subscriberState(flow: Flow): Promise<{ pending: number; waiting: number }> {
	const usage = await c().management.endpointUsage(flow.endpointId);
	const s = usage.subscribers.find((x) => x.id === flow.sub);
	assert.ok(s, `subscriber ${flow.sub} is registered`);
	return { pending: s.pending, waiting: s.waiting };
}

const FINISHED = new Set(['success', 'error', 'crashed', 'canceled']);

/** Polls the main until an execution of the workflow is running; returns it (without data). */
async function runningExecution(
	workflowId: string,
	timeoutMs: number,
	notIds: Set<string> = new Set(),
): Promise<any> {
	let found: any;
	const ok = await eventually(
		async () => {
			// The public API lists running executions only when asked for them.
			const page = (await c().queue.main.api(
				'GET',
				`/executions?${new URLSearchParams({ workflowId, status: 'running', limit: '50' }).toString()}`,
			)) as { data: any[] };
			found = page.data.find((e) => !notIds.has(String(e.id)));
			return found !== undefined;
		},
		timeoutMs,
		250,
	);
	assert.ok(ok, `an execution of workflow ${workflowId} started within ${timeoutMs} ms`);
	return found;
}

async function finishedExecution(
	workflowId: string,
	executionId: string,
	timeoutMs: number,
): Promise<any> {
	let found: any;
	const ok = await eventually(
		async () => {
			found = (await c().queue.main.executions(workflowId)).find(
				(e) => String(e.id) === String(executionId),
			);
			return found !== undefined && (FINISHED.has(found.status) || found.finished === true);
		},
		timeoutMs,
		250,
	);
	assert.ok(
		ok,
		`execution ${executionId} finished within ${timeoutMs} ms (last status ${found?.status})`,
	);
	return found;
}

function idsOf(execution: any): string[] {
	return triggerItems(execution).map((item) => item.id as string);
}

function assertRanOnWorker(executionIds: string[]): void {
	const facts = queueLogFacts(c().queue);
	for (const id of executionIds) {
		assert.ok(facts.enqueued.includes(String(id)), `the main enqueued execution ${id}`);
		assert.ok(facts.workerStarted.includes(String(id)), `the worker ran execution ${id}`);
	}
}

describe(
	'scale-out: two gateways, a 3-master Redis Cluster, n8n queue mode (main + worker)',
	{ timeout: FILE_TIMEOUT_MS },
	() => {
		before(async () => {
			assertBuilt(REPO_ROOT);
			const started = Date.now();
			const cluster = await startRedisCluster();
			const clusterNodes = cluster.nodes.map((n) => `${n.host}:${n.port}`);
			const prefix = uniquePrefix();
			const redisUrl = `redis://${clusterNodes[0]}`;
			const gatewayEnv = {
				WEBHOOK_GATEWAY_REDIS_URL: redisUrl,
				WEBHOOK_GATEWAY_REDIS_CLUSTER_NODES: clusterNodes.join(','),
				WEBHOOK_GATEWAY_KEY_PREFIX: prefix,
			};
			live.cluster = cluster;
			// The gateways and n8n start side by side; whatever started is stopped by after(), even on failure.
			const settled = await Promise.allSettled([
				spawnGateway(gatewayEnv).then((g) => (live.gateways.push(g), g)),
				spawnGateway(gatewayEnv).then((g) => (live.gateways.push(g), g)),
				packPackage(REPO_ROOT)
					.then((tarball) => startN8nQueue({ packageTarball: tarball }))
					.then((q) => (live.queue = q)),
			]);
			for (const result of settled) if (result.status === 'rejected') throw result.reason;
			const gateways = live.gateways;
			const queue = live.queue!;
			const stores = createStores(
				{ url: redisUrl, clusterNodes, name: 'e2e-scale', offlineQueue: true },
				prefix,
			);
			live.stores = stores;
			const management = new ManagementService(stores, {
				publicUrl: gateways[0]!.url,
				defaultPlan: 'unlimited',
				defaultBufferCapacity: 100_000,
			});
			await management.setAccountPlan('default', 'unlimited');
			assert.doesNotMatch(
				queue.main.logs(),
				/Skipping package|Failed to load|Error loading package/i,
				'the package loads on the main',
			);
			assert.doesNotMatch(
				queue.worker.logs(),
				/Skipping package|Failed to load|Error loading package/i,
				'the package loads on the worker',
			);
			const name = 'Gateway (cluster)';
			const created = await queue.main.createCredential(name, 'webhookGatewayApi', {
				connectionType: 'url',
				redisUrl,
				clusterNodes: clusterNodes.join(','),
				keyPrefix: prefix,
				publicUrl: gateways[0]!.url,
			});
			ctx = {
				cluster,
				clusterNodes,
				prefix,
				stores,
				management,
				gateways,
				queue,
				credential: { id: created.id, name },
			};
			figures.push(
				`set-up: ${since(started)} (3-master cluster, 2 gateways, n8n main + worker, database ${queue.postgres ? `PostgreSQL (${queue.postgres.version})` : 'SQLite'}, Bull on redis :${queue.bullRedis.port})`,
			);
		});

		after(async () => {
			ctx = undefined;
			const x = live;
			// Triggers stop with the main; nothing is left running.
			if (x.queue) {
				await x.queue.stop();
				// E2E_N8N_LOG=<file> keeps both n8n logs (<file>.main, <file>.worker) for a failed run.
				if (process.env.E2E_N8N_LOG) {
					fs.writeFileSync(`${process.env.E2E_N8N_LOG}.main`, x.queue.main.logs());
					fs.writeFileSync(`${process.env.E2E_N8N_LOG}.worker`, x.queue.worker.logs());
				}
			}
			await Promise.all(x.gateways.map((g) => g.stop()));
			await x.stores?.close();
			await x.cluster?.stop();
			figures.push(`whole file: ${since(t0)}`);
			console.log(`[scale-out]\n  ${figures.join('\n  ')}`);
		});

		it("queue mode works: n8n's own Webhook node's executions are enqueued by the main and run by the worker", async () => {
			const started = Date.now();
			const { main } = c().queue;
			const { id } = await main.createWorkflow(webhookWorkflow('scale-probe'));
			await main.activate(id);
			assert.ok(
				await eventually(
					async () =>
						(
							await fetch(`${main.url}/webhook/scale-probe`, {
								method: 'POST',
								body: '{}',
								headers: { 'content-type': 'application/json' },
							})
						).status === 200,
					15_000,
					250,
				),
				'the webhook is live',
			);
			const statuses = await Promise.all(
				Array.from(
					{ length: 5 },
					async (_, i) =>
						(
							await fetch(`${main.url}/webhook/scale-probe`, {
								method: 'POST',
								body: JSON.stringify({ i }),
								headers: { 'content-type': 'application/json' },
							})
						).status,
				),
			);
			assert.deepEqual(statuses, [200, 200, 200, 200, 200]);
			const executions = await main.waitForExecutions(id, 6, 30_000);
			assert.ok(executions.every((e) => e.status === 'success'));
			assertRanOnWorker(executions.map((e) => String(e.id)));
			await main.deactivate(id);
			figures.push(
				`queue mode: ${executions.length} Webhook-node executions, all enqueued by the main and run by the worker — ${since(started)}`,
			);
		});

		it('limits are exact across the two gateways on the cluster: rate 5 / burst 5, 100 connections for 3.5 s', async () => {
			const started = Date.now();
			const { management, gateways } = c();
			const run = await assertRateLimitAcrossGateways(
				management,
				gateways.map((g) => g.url),
				{ plan: 'scale-rate5', account: 'acct-scale-rate', endpoint: 'scale-rate' },
			);
			const { accepted, span, bound } = run;
			figures.push(
				`limits: ${run.requests} requests in ${span.toFixed(2)} s through 2 gateways (${(run.requests / span).toFixed(0)} req/s), ${accepted.length} accepted (gateway 0: ${accepted.filter((r) => r.target === 0).length}, gateway 1: ${accepted.filter((r) => r.target === 1).length}), bound ${bound} — ${since(started)}`,
			);
		});

		it('Batch Trigger: the worker runs the batch, and its events are acknowledged only after that run succeeded', async () => {
			const started = Date.now();
			const flow = await activeFlow('scale ack', 'scale-ack', 6);
			await awayFromTick(5000);
			const ids = await sendThroughBoth('scale-ack', 0, 20);
			assert.deepEqual(
				await subscriberState(flow),
				{ pending: 0, waiting: 20 },
				'all 20 wait, none delivered yet',
			);

			const running = await runningExecution(flow.id, TICK_MS + 10_000);
			// The run is in its 6 s Wait on the worker: the events are delivered, not acknowledged.
			const during: { pending: number; waiting: number }[] = [];
			for (let i = 0; i < 3; i++) {
				during.push(await subscriberState(flow));
				await sleep(1000);
			}
			for (const s of during)
				assert.deepEqual(
					s,
					{ pending: 20, waiting: 20 },
					'pending while the worker runs the batch',
				);

			// Poll fast until the acknowledgement shows; it must come after the run's end.
			let ackSeenAt = 0;
			assert.ok(
				await eventually(
					async () => {
						const s = await subscriberState(flow);
						if (s.pending === 0 && s.waiting === 0) ackSeenAt = Date.now();
						return ackSeenAt > 0;
					},
					30_000,
					50,
				),
				'acknowledged after the run',
			);
			const execution = await finishedExecution(flow.id, running.id, 10_000);
			assert.equal(execution.status, 'success');
			const stoppedAt = Date.parse(execution.stoppedAt);
			assert.ok(
				ackSeenAt >= stoppedAt,
				`acknowledged (seen ${new Date(ackSeenAt).toISOString()}) after the run stopped (${execution.stoppedAt})`,
			);
			assert.deepEqual(
				idsOf(execution),
				ids,
				'the batch holds the 20 events, in arrival order, from both gateways',
			);
			assertRanOnWorker([execution.id]);
			await c().queue.main.deactivate(flow.id);
			figures.push(
				`ack after the worker's run: execution ${execution.id} ran ${((stoppedAt - Date.parse(execution.startedAt)) / 1000).toFixed(1)} s on the worker, pending 20 during it, acknowledgement seen ${ackSeenAt - stoppedAt} ms after it stopped — ${since(started)}`,
			);
		});

		it('Batch Trigger: a failed run on the worker leaves the events pending, and the next tick releases the same events again', async () => {
			const started = Date.now();
			const flow = await activeFlow('scale fail', 'scale-fail', 2, { fail: true });
			await awayFromTick(5000);
			const ids = await sendThroughBoth('scale-fail', 100, 5);
			const first = await runningExecution(flow.id, TICK_MS + 10_000);
			assert.equal((await subscriberState(flow)).pending, 5);
			const failed = await finishedExecution(flow.id, first.id, 30_000);
			assert.equal(failed.status, 'error');
			await sleep(1000);
			assert.deepEqual(
				await subscriberState(flow),
				{ pending: 5, waiting: 5 },
				'still pending after the failed run',
			);
			const second = await runningExecution(flow.id, TICK_MS + 10_000, new Set([String(first.id)]));
			const again = await finishedExecution(flow.id, second.id, 30_000);
			assert.equal(again.status, 'error');
			assert.deepEqual(idsOf(failed), ids);
			assert.deepEqual(idsOf(again), ids, 'the same events again');
			assertRanOnWorker([failed.id, again.id]);
			await c().queue.main.deactivate(flow.id);
			figures.push(
				`failed run: executions ${failed.id} and ${again.id} (status error) carried the same 5 events, still pending after each — ${since(started)}`,
			);
		});

		interface RestartCase {
			kind: 'stop' | 'kill';
			endpointId: string;
			/** How long the run in flight at the stop lasts. */
			seconds: number;
			/** The trigger's Unfinished Run Timeout, minutes. */
			unfinishedRunTimeout?: number;
			/** SIGTERM: the run in flight is acknowledged before the main exits, so nothing is delivered twice. */
			exactlyOnce: boolean;
		}

		/**
		 * The restart cases share the checks: every event delivered in a successful execution; no event
		 * in two executions that overlap in time (a batch is never released while its run goes on);
		 * an event in two successful executions only when the earlier run was in flight at the stop
		 * (never acknowledged), and then not before the unfinished-run timeout.
		 */
		async function restartCase(o: RestartCase): Promise<void> {
			const started = Date.now();
			const { queue } = c();
			const flow = await activeFlow(
				`scale restart ${o.kind} ${o.seconds}s`,
				o.endpointId,
				o.seconds,
				{ unfinishedRunTimeout: o.unfinishedRunTimeout },
			);
			await awayFromTick(5000);
			const before = await sendThroughBoth(o.endpointId, 0, 10);
			const inFlight = await runningExecution(flow.id, TICK_MS + 10_000);
			await sleep(2000); // the worker is inside the slow step now
			assert.deepEqual(await subscriberState(flow), { pending: 10, waiting: 10 });
			const listening = listeningCount(flow.sub);
			const signalAt = Date.now();
			if (o.kind === 'kill') await queue.main.kill();
			else await queue.main.stop();
			const exitedAt = Date.now();
			// The gateways keep accepting while the main is down.
			const during = await sendThroughBoth(o.endpointId, 100, 10);
			const whileDown = await subscriberState(flow);
			if (o.exactlyOnce)
				assert.deepEqual(
					whileDown,
					{ pending: 0, waiting: 10 },
					'the run in flight was acknowledged before the main exited',
				);
			await queue.main.start();
			await waitListening(flow.sub, listening + 1);
			const backAt = Date.now();
			// Every event acknowledged (after a crash, the unfinished batch once its timeout has passed and its second run ended).
			const timeoutMs = (o.unfinishedRunTimeout ?? 0) * 60_000;
			let drainedAt = 0;
			assert.ok(
				await eventually(
					async () => {
						const s = await subscriberState(flow);
						if (s.pending === 0 && s.waiting === 0) drainedAt = Date.now();
						return drainedAt > 0;
					},
					90_000 + timeoutMs + 2 * o.seconds * 1000,
					500,
				),
				'every event acknowledged after the restart',
			);
			// One more tick, so that a second release of anything would show.
			await sleep(TICK_MS + 2000);
			const executions = await queue.main.executions(flow.id);
			await queue.main.deactivate(flow.id);
			const orphan = executions.find((e) => String(e.id) === String(inFlight.id));
			assert.ok(orphan, 'the run that was in flight is recorded');
			const successful = executions.filter((e) => e.status === 'success');
			assert.ok(
				executions.every((e) => FINISHED.has(e.status)),
				`all finished: ${executions.map((e) => `${e.id}:${e.status}`).join(', ')}`,
			);
			assertRanOnWorker(executions.map((e) => String(e.id)));
			const spans = executions
				.map((e) => ({
					id: String(e.id),
					status: String(e.status),
					start: Date.parse(e.startedAt),
					stop: Date.parse(e.stoppedAt),
					ids: idsOf(e),
				}))
				.sort((x, y) => x.start - y.start);
			const delivered = new Map<string, string[]>();
			for (const e of successful)
				for (const id of idsOf(e)) delivered.set(id, [...(delivered.get(id) ?? []), String(e.id)]);
			const duplicated = [...delivered.entries()].filter(([, execs]) => execs.length > 1);
			const signal = o.kind === 'kill' ? 'SIGKILL' : 'SIGTERM';
			const rel = (t: number) => ((t - signalAt) / 1000).toFixed(1);
			const after = (t: number) => `${rel(t)} s after the ${signal}`;
			figures.push(
				`${signal} of the main during a ${o.seconds} s run (Unfinished Run Timeout ${o.unfinishedRunTimeout ?? 60} min): main exited ${after(exitedAt)}, ready again ${after(backAt)}; ` +
					`in-flight execution ${inFlight.id} ended '${orphan.status}' ${orphan.stoppedAt ? after(Date.parse(orphan.stoppedAt)) : ''}; ` +
					`while the main was down: pending ${whileDown.pending}, waiting ${whileDown.waiting}; all 20 acknowledged ${after(drainedAt)}; ` +
					`executions (events, start..stop in s from the ${signal}) ${spans.map((x) => `${x.id} ${x.status} ${x.ids.length} ev ${rel(x.start)}..${rel(x.stop)}`).join(', ')}; ` +
					`${duplicated.length} event(s) delivered twice — ${since(started)}`,
			);

			// Nothing lost.
			for (const id of [...before, ...during])
				assert.ok(delivered.has(id), `event ${id} was delivered in a successful execution`);
			assert.equal(delivered.size, before.length + during.length, 'no foreign events');

			// A batch is never released while a run of it goes on: no event in two overlapping executions.
			for (let i = 0; i < spans.length; i++) {
				for (let j = i + 1; j < spans.length; j++) {
					const [a, b] = [spans[i]!, spans[j]!];
					const shared = a.ids.filter((id) => b.ids.includes(id));
					assert.ok(
						shared.length === 0 || b.start >= a.stop,
						`executions ${a.id} and ${b.id} both carry ${shared.length} event(s) and overlap by ${((a.stop - b.start) / 1000).toFixed(1)} s: one batch released twice at once`,
					);
				}
			}

			// Duplicates only for the run in flight at the stop, which was never acknowledged, and only after its timeout.
			if (o.exactlyOnce) assert.deepEqual(duplicated, [], 'no event delivered twice');
			for (const [id, execs] of duplicated) {
				assert.ok(
					before.includes(id),
					`event ${id} (sent while the main was down) was delivered twice: ${execs.join(', ')}`,
				);
				assert.equal(execs.length, 2, `event ${id} delivered ${execs.length} times`);
				assert.ok(
					execs.includes(String(inFlight.id)),
					`event ${id} twice, but not through the run in flight at the stop`,
				);
				const again = spans.find((x) => x.id !== String(inFlight.id) && x.ids.includes(id))!;
				// The dead main renewed its batch at most renewEveryMs before the kill.
				assert.ok(
					again.start >= signalAt - renewEveryMs(timeoutMs) + timeoutMs - 1000,
					`event ${id} released again ${rel(again.start)} s after the ${signal}, before the ${o.unfinishedRunTimeout} min timeout`,
				);
			}
			for (const id of during)
				assert.equal(delivered.get(id)!.length, 1, `event ${id} delivered once`);
			if (o.kind === 'kill') {
				// The restarted main did not wait for the timeout to release what arrived meanwhile.
				const firstOfDuring = Math.min(
					...spans.filter((x) => x.ids.some((id) => during.includes(id))).map((x) => x.start),
				);
				assert.ok(
					firstOfDuring < signalAt + timeoutMs,
					`the events sent while the main was down were released ${rel(firstOfDuring)} s after the ${signal}, not before the timeout`,
				);
			}
		}

		it('n8n main stopped (SIGTERM) during a release, then started again: the run finishes and is acknowledged, nothing lost, nothing twice', async () => {
			await restartCase({ kind: 'stop', endpointId: 'scale-stop', seconds: 8, exactlyOnce: true });
		});

		// The run outlives the dead main's lease (LEASE_MS): the restarted main holds the lease while the
		// worker still runs the batch, and only the unfinished-run timeout keeps the batch from it.
		const RUN_S = Math.ceil(LEASE_MS / 1000) + 25;
		it(`n8n main killed (SIGKILL) during a ${RUN_S} s run, then started again: new events released at once, the unfinished batch once more only after its 1 min timeout, never while it runs`, async () => {
			await restartCase({
				kind: 'kill',
				endpointId: 'scale-kill',
				seconds: RUN_S,
				unfinishedRunTimeout: 1,
				exactlyOnce: false,
			});
		});
	},
);
