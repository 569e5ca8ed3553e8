/**
 * Fault: n8n killed with SIGKILL in the middle of a Batch Trigger release (README "Buffer
 * and delivery guarantees": acknowledged only when the execution finishes successfully).
 *
 * A real n8n 2.41.1 runs a Batch Trigger (every 10 s, at most 10 events per execution) followed by
 * a Code node that takes 5 s, so a backlog of 35 events is released as 4 executions one after the
 * other (~20 s). n8n (its whole process group, task runner included) gets SIGKILL while the second
 * execution is running, i.e. after the first batch was acknowledged and while the second batch is
 * delivered but not acknowledged. n8n is started again on the same data. The test then proves:
 *
 * - every event that got a 202 is in a SUCCESSFUL execution (event ids compared);
 * - the batch acknowledged before the kill is not delivered again;
 * - the batch that was running when n8n died (never acknowledged) is released again after the
 *   restart; only those events are delivered twice;
 * - nothing is pending for the subscriber at the end, nothing is dead-lettered.
 *
 * The figures are printed ("n8n kill: ...") for docs/reliability.md.
 *
 * Run: npm run build && node --import tsx --test test/e2e/n8n-kill.test.ts
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { endpointKeys, subscriberKeys } from '../../src/redis/keys';
import { startGatewayN8n, type Created, type GatewayN8n } from './fixtures/context';
import {
	awayFromTick,
	eventually,
	portOpen,
	runningExecutions,
	sendAccepted,
	sleep,
	TICK_MS,
	TRIGGER_NODE,
	triggerItems,
	triggerWorkflow,
	withCodeStep,
} from './fixtures/triggers';
import { redisClientOf } from '../../src/redis';

const ENDPOINT = 'killed-mid-release';
const EVENTS = 35;
const MAX_EVENTS = 10;
const RUN_MS = 5000;

let g: GatewayN8n;

/** Trigger → Code node that waits RUN_MS → NoOp. */
function slowBatchWorkflow(name: string): Created {
	const wf = triggerWorkflow(name, {
		kind: 'batch',
		credential: g.credential,
		endpointId: ENDPOINT,
		parameters: { options: { maxEventsPerExecution: MAX_EVENTS } },
	});
	return {
		id: '',
		wf: withCodeStep(
			wf,
			'Slow',
			`await new Promise((resolve) => setTimeout(resolve, ${RUN_MS}));\nreturn $input.all();`,
		),
		sub: '',
	};
}

/** Executions of the workflow that n8n reports as running, with their data. */
const running = (workflowId: string) =>
	runningExecutions((method, path) => g.n8n.api(method, path), workflowId, true);

/**
 * Trigger items of an execution, or undefined when n8n kept no trigger output for it. An execution
 * n8n recovers after a crash holds placeholder items (`isArtificialRecoveredEventItem`) rebuilt
 * from its event log, not the data.
 */
function itemsOrNone(execution: any): any[] | undefined {
	const runs = execution?.data?.resultData?.runData?.[TRIGGER_NODE];
	if (!Array.isArray(runs) || runs.length === 0) return undefined;
	const items = triggerItems(execution).filter(
		(item) => item && !item.isArtificialRecoveredEventItem,
	);
	return items.length > 0 ? items : undefined;
}

describe('n8n killed with SIGKILL in the middle of a batch release', { timeout: 300_000 }, () => {
	before(async () => {
		g = await startGatewayN8n();
	});
	after(async () => {
		await g?.close('n8n kill e2e');
	});

	it('every 202 ends in a successful execution; only the unacknowledged batch is delivered again', async () => {
		const t0 = Date.now();
		await g.endpoint(ENDPOINT);
		const ref = { id: ENDPOINT, accountId: 'default' };
		const keys = endpointKeys(g.prefix, ref.accountId, ref.id);
		const draft = slowBatchWorkflow('slow batch (killed mid-release)');
		const { id } = await g.n8n.createWorkflow(draft.wf);
		const w: Created = { id, wf: draft.wf, sub: `${id}:${draft.wf.triggerNodeId}` };
		await g.activate(w);
		assert.ok(
			await eventually(() => portOpen(g.servePort), 10_000),
			'the embedded gateway listens',
		);

		// All 35 land before one tick, so one release reads them as 10 + 10 + 10 + 5.
		await awayFromTick(5000);
		const sent = await sendAccepted(g.hooks, ENDPOINT, 0, EVENTS);
		const accepted = sent.map((s) => s.body.eventId as string);
		assert.equal(new Set(accepted).size, EVENTS);

		// Wait for the first batch to be acknowledged and the second one to be in flight.
		let atKill = { success: 0, total: 0, pending: 0, waiting: 0, pendingIds: [] as string[] };
		const inFlight = await eventually(
			async () => {
				const [sub] = (await g.stores.buffer.subscribers.list(ref)).filter((s) => s.id === w.sub);
				const executions = await g.n8n.executions(w.id);
				const success = executions.filter((e) => e.status === 'success').length;
				// Batch 1 acked (35 - 10 waiting) and batch 2 handed to n8n (10 pending).
				if (success === 1 && sub?.pending === MAX_EVENTS && sub.waiting === EVENTS - MAX_EVENTS) {
					atKill = {
						success,
						total: executions.length,
						pending: sub.pending,
						waiting: sub.waiting,
						pendingIds: [],
					};
					return true;
				}
				return false;
			},
			TICK_MS + 3 * RUN_MS,
			100,
		);
		assert.ok(inFlight, 'the second batch was in flight (first acknowledged, 10 pending)');
		// Let the Code node of the second execution run for a while, well before its end.
		await sleep(1500);
		// Which events n8n holds without having acknowledged them (stream ids → event ids).
		const pendingStreamIds = (
			(await redisClientOf(g.stores).xpending(keys.stream, w.sub, '-', '+', 1000)) as [
				string,
				string,
				number,
				number,
			][]
		).map((p) => p[0]);
		const byStreamId = new Map(
			(await g.stores.buffer.peek(ref, 10_000, 'oldest')).map((e) => [e.ref.slice(2), e.eventId]),
		);
		atKill.pendingIds = pendingStreamIds.map((sid) => byStreamId.get(sid) ?? sid);
		const executionsBeforeKill = await g.n8n.executions(w.id);
		const ackedBeforeKill = executionsBeforeKill
			.filter((e) => e.status === 'success')
			.flatMap((e) => triggerItems(e).map((i) => i.id as string));
		assert.equal(ackedBeforeKill.length, MAX_EVENTS, 'one batch finished before the kill');
		assert.equal(atKill.pendingIds.length, MAX_EVENTS, 'one batch in flight at the kill');
		// The public API lists running executions only when asked for them.
		const runningAtKill = await running(w.id);
		assert.equal(runningAtKill.length, 1, 'one execution was running at the kill');

		const listening = g.logCount('listening on', w.sub);
		const killedAt = Date.now();
		await g.n8n.kill();
		assert.ok(
			await eventually(async () => !(await portOpen(g.servePort)), 5000),
			'the embedded gateway went down with n8n',
		);
		// Nothing is acknowledged by a dead process: the in-flight batch is still pending.
		const [afterKill] = (await g.stores.buffer.subscribers.list(ref)).filter((s) => s.id === w.sub);
		assert.equal(afterKill.pending, MAX_EVENTS, 'the in-flight batch stays pending in Redis');
		assert.equal(afterKill.waiting, EVENTS - MAX_EVENTS);
		// The dead instance's release lease stays until it expires; no other release can start before.
		const leaseLeftMs = await redisClientOf(g.stores).pttl(
			subscriberKeys(g.prefix, ref.accountId, ref.id, w.sub).lease,
		);
		assert.ok(leaseLeftMs > 0, 'the killed instance still holds the release lease');

		await g.n8n.start();
		const restartedAt = Date.now();
		await g.waitForLog('listening on', w.sub, listening + 1);

		// Wait until every accepted event is in a successful execution.
		const deliveredOk = async () => {
			const executions = await g.n8n.executions(w.id);
			const ok = new Set(
				executions
					.filter((e) => e.status === 'success')
					.flatMap((e) => triggerItems(e).map((i) => i.id as string)),
			);
			return accepted.every((eid) => ok.has(eid));
		};
		assert.ok(
			await eventually(deliveredOk, 150_000, 1000),
			'every accepted event reached a successful execution after the restart',
		);
		const allDoneAt = Date.now();
		// One more tick (plus a run) so that an extra, unwanted release would show.
		await sleep(TICK_MS + RUN_MS + 1500);
		const executions = await g.n8n.executions(w.id);

		const killedId = String(runningAtKill[0].id);
		const stillRunning = await running(w.id);
		const beforeIds = new Set([...executionsBeforeKill.map((e) => String(e.id)), killedId]);
		const successful = executions.filter((e) => e.status === 'success');
		const successBefore = successful.filter((e) => beforeIds.has(String(e.id)));
		const successAfter = successful.filter((e) => !beforeIds.has(String(e.id)));
		const notSuccessful = [...executions.filter((e) => e.status !== 'success'), ...stillRunning];
		const killed = notSuccessful.find((e) => String(e.id) === killedId);
		const deliveredOk_ = successful.flatMap((e) => triggerItems(e).map((i) => i.id as string));
		const okCount = new Map<string, number>();
		for (const eid of deliveredOk_) okCount.set(eid, (okCount.get(eid) ?? 0) + 1);

		// 1. Nothing lost: every 202 is in a successful execution, and nothing else is.
		const missing = accepted.filter((eid) => !okCount.has(eid));
		assert.deepEqual(missing, [], 'every accepted event was delivered in a successful execution');
		assert.deepEqual(
			[...okCount.keys()].filter((eid) => !accepted.includes(eid)),
			[],
			'no unknown event',
		);
		// 2. No event in two successful executions.
		const twiceOk = [...okCount].filter(([, n]) => n > 1).map(([eid]) => eid);
		assert.deepEqual(twiceOk, [], 'no event in two successful executions');
		// 3. The batch acknowledged before the kill was not delivered again.
		const afterRestartIds = successAfter.flatMap((e) => triggerItems(e).map((i) => i.id as string));
		const ackedAgain = ackedBeforeKill.filter((eid) => afterRestartIds.includes(eid));
		assert.deepEqual(ackedAgain, [], 'acknowledged events are not delivered again');
		assert.deepEqual(
			ackedBeforeKill,
			accepted.slice(0, MAX_EVENTS),
			'the first batch is the first 10 events',
		);
		// 4. The in-flight batch is released again after the restart, first (pending entries are re-read first).
		const redelivered = atKill.pendingIds.filter((eid) => afterRestartIds.includes(eid));
		assert.deepEqual(
			redelivered,
			atKill.pendingIds,
			'the unacknowledged batch was released again after the restart',
		);
		assert.deepEqual(
			atKill.pendingIds,
			accepted.slice(MAX_EVENTS, 2 * MAX_EVENTS),
			'the in-flight batch was the second 10 events',
		);
		assert.deepEqual(
			triggerItems(successAfter[0]).map((i) => i.id),
			atKill.pendingIds,
			'the first execution after the restart is the in-flight batch',
		);
		assert.deepEqual(
			successful.map((e) => triggerItems(e).length),
			[10, 10, 10, 5],
			'the release is 10 + 10 + 10 + 5 across the restart',
		);
		// The killed execution: n8n did not finish it; whatever it kept of its items is the in-flight batch.
		assert.deepEqual(
			notSuccessful.map((e) => String(e.id)),
			[killedId],
			`the only execution that did not succeed is the one killed (${notSuccessful.map((e) => `${e.id}:${e.status}`).join(', ')})`,
		);
		assert.ok(
			!successful.some((e) => String(e.id) === killedId),
			'the killed execution is not counted as a success',
		);
		const killedItems = itemsOrNone(killed) ?? itemsOrNone(runningAtKill[0]);
		if (killedItems)
			assert.deepEqual(
				killedItems.map((i) => i.id),
				atKill.pendingIds,
				'the killed execution held the in-flight batch',
			);
		// 5. Nothing pending, nothing waiting, no dead letters.
		const usage = await g.management.endpointUsage(ENDPOINT);
		const sub = usage.subscribers.find((s) => s.id === w.sub);
		assert.ok(sub, 'the subscriber is still registered');
		assert.equal(sub.pending, 0, 'nothing pending for the subscriber');
		assert.equal(sub.waiting, 0, 'nothing waiting for the subscriber');
		assert.equal(usage.deadLetters, 0, 'no dead letters');
		assert.equal(usage.buffer.length, 0, 'the stream is trimmed: every event was acknowledged');

		const handedToN8n = deliveredOk_.length + atKill.pendingIds.length;
		console.log(
			`n8n kill: ${EVENTS} events sent (202), ${new Set(deliveredOk_).size} delivered in successful executions, ` +
				`${redelivered.length} re-delivered (the batch in flight at the kill, never acknowledged), 0 acknowledged events re-delivered, 0 missing; ` +
				`${handedToN8n} event deliveries to n8n in all; executions before the kill: ${successBefore.length} success + ${runningAtKill.length} running (killed), ` +
				`after the restart: ${successAfter.length} (all success); ` +
				`killed execution ${killedId} is now '${killed?.status ?? 'not listed'}'${killedItems ? ` with its ${killedItems.length} items kept` : ' (no trigger output kept)'}`,
		);
		console.log(
			`n8n kill timings: n8n back ${((restartedAt - killedAt) / 1000).toFixed(1)} s after the kill; the in-flight batch re-released ` +
				`${((Date.parse(successAfter[0].startedAt) - killedAt) / 1000).toFixed(1)} s after the kill (the dead instance's release lease had ${(leaseLeftMs / 1000).toFixed(1)} s left at the kill); ` +
				`everything delivered ${((allDoneAt - killedAt) / 1000).toFixed(1)} s after the kill; whole case ${((Date.now() - t0) / 1000).toFixed(1)} s`,
		);
		g.note(`n8n kill: ${EVENTS} sent, ${redelivered.length} re-delivered, 0 missing`);
	});
});
