/**
 * Fault: a batch that takes n8n down every time it runs (a "poison batch", e.g. a workflow that
 * runs out of memory on it). Its runs never report back, so no failure is ever recorded by a
 * failed execution: the gateway must count each delivery that was never acknowledged as a failed
 * attempt, and after Max Attempts move the batch to the dead letters instead of releasing it after
 * every restart, forever (docs/reliability.md, "Poison batches end").
 *
 * A real n8n 2.41.1 runs a Batch Trigger (every 10 s, Max Attempts 2) followed by a Code node that
 * hangs for two minutes when a batch holds an event marked `poison`. The test sends 3 poison events,
 * kills n8n (SIGKILL, whole process group) while their execution runs, starts n8n again, kills it
 * again during the second run, and starts it once more. It then proves:
 *
 * - the poison batch ran exactly twice (Max Attempts), and is now 3 dead letters holding exactly
 *   the 3 poison events, with the error "never reported back";
 * - events sent afterwards are released normally in a successful execution (nothing else lost);
 * - nothing is pending or waiting for the subscriber at the end.
 *
 * Run: npm run build && node --import tsx --test test/e2e/poison-batch.test.ts
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startGatewayN8n, type Created, type GatewayN8n } from './fixtures/context';
import {
	awayFromTick,
	eventually,
	portOpen,
	runningExecutions,
	sendAccepted,
	triggerItems,
	triggerWorkflow,
	withCodeStep,
} from './fixtures/triggers';

const ENDPOINT = 'poison-batch';
const POISON = 3;
const GOOD = 4;
const MAX_ATTEMPTS = 2;

let g: GatewayN8n;

/** Trigger → Code node that hangs on a poison batch → NoOp. */
function poisonWorkflow(name: string): Created {
	const wf = triggerWorkflow(name, {
		kind: 'batch',
		credential: g.credential,
		endpointId: ENDPOINT,
		parameters: { options: { maxAttempts: MAX_ATTEMPTS } },
	});
	const hang =
		'if ($input.all().some((item) => item.json.body && item.json.body.poison)) {\n  await new Promise((resolve) => setTimeout(resolve, 120000));\n}\nreturn $input.all();';
	return { id: '', wf: withCodeStep(wf, 'Hang On Poison', hang), sub: '' };
}

async function sendPoison(seq: number): Promise<string> {
	const response = await fetch(`${g.hooks}/hooks/${ENDPOINT}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ poison: true, seq }),
		signal: AbortSignal.timeout(10_000),
	});
	const body = (await response.json()) as { eventId?: string };
	assert.equal(
		response.status,
		202,
		`poison event ${seq}: ${response.status} ${JSON.stringify(body)}`,
	);
	return body.eventId as string;
}

/** Executions of the workflow that n8n reports as running. */
const running = (workflowId: string) =>
	runningExecutions((method, path) => g.n8n.api(method, path), workflowId);

describe(
	'a batch that takes n8n down on every run ends as dead letters after Max Attempts',
	{ timeout: 600_000 },
	() => {
		before(async () => {
			g = await startGatewayN8n();
		});
		after(async () => {
			await g?.close('poison batch e2e');
		});

		it('two crashed runs, then the 3 poison events are dead letters; later events are delivered', async () => {
			const t0 = Date.now();
			await g.endpoint(ENDPOINT, { auth: { type: 'none' } });
			const ref = { id: ENDPOINT, accountId: 'default' };
			const draft = poisonWorkflow('poison batch (kills n8n)');
			const { id } = await g.n8n.createWorkflow(draft.wf);
			const w: Created = { id, wf: draft.wf, sub: `${id}:${draft.wf.triggerNodeId}` };
			await g.activate(w);
			assert.ok(
				await eventually(() => portOpen(g.servePort), 10_000),
				'the embedded gateway listens',
			);

			// The three must land in one batch: a scheduled release between two sends would split them
			// (a run of 1 event that hangs while 2 wait), so they are sent well away from a tick.
			await awayFromTick(5000);
			const poison: string[] = [];
			for (let seq = 0; seq < POISON; seq++) poison.push(await sendPoison(seq));

			const pendingOf = async () =>
				(await g.stores.subscribers.list(ref)).find((s) => s.id === w.sub)?.pending ?? 0;
			const runs: string[] = [];
			const crashTimes: number[] = [];
			for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
				// The poison batch is handed to n8n: an execution runs and its events are pending.
				let runningId = '';
				let seen = 'no poll yet';
				const inFlight = await eventually(
					async () => {
						const now = await running(w.id);
						const fresh = now.find((e) => !runs.includes(String(e.id)));
						const pending = await pendingOf();
						seen = `running executions ${JSON.stringify(now.map((e) => e.id))}, ${pending} pending`;
						if (fresh && pending === POISON) runningId = String(fresh.id);
						return runningId !== '';
					},
					120_000,
					250,
				);
				assert.ok(
					inFlight,
					`run ${attempt} of the poison batch started (${POISON} events pending); last seen: ${seen}`,
				);
				runs.push(runningId);
				const listening = g.logCount('listening on', w.sub);
				crashTimes.push(Date.now());
				await g.n8n.kill();
				assert.ok(
					await eventually(async () => !(await portOpen(g.servePort)), 5000),
					'the embedded gateway went down with n8n',
				);
				assert.equal(
					await pendingOf(),
					POISON,
					'a dead process acknowledges nothing: the batch stays pending',
				);
				await g.n8n.start();
				await g.waitForLog('listening on', w.sub, listening + 1);
			}

			// After the last crash the next release finds the batch delivered Max Attempts times without
			// a report: it is dead-lettered without running again.
			const deadLettered = await eventually(
				async () => (await g.stores.buffer.deadLetterCount(ref)) === POISON,
				90_000,
				500,
			);
			assert.ok(deadLettered, `the ${POISON} poison events became dead letters`);
			const letters = await g.stores.buffer.deadLetters(ref, 100);
			assert.deepEqual(
				letters.map((l) => l.entry.eventId).sort(),
				[...poison].sort(),
				'the dead letters are exactly the poison events',
			);
			for (const letter of letters) {
				assert.equal(letter.subscriberId, w.sub);
				assert.equal(
					letter.attempts,
					MAX_ATTEMPTS,
					'each counts Max Attempts deliveries that never reported back',
				);
				assert.match(letter.error, /never reported back/, letter.error);
			}

			// Nothing else is lost: events sent now are released in a successful execution.
			const good = (await sendAccepted(g.hooks, ENDPOINT, 100, GOOD)).map(
				(s) => s.body.eventId as string,
			);
			const delivered = async () => {
				const ok = (await g.n8n.executions(w.id)).filter((e) => e.status === 'success');
				const ids = new Set(ok.flatMap((e) => triggerItems(e).map((i) => i.id as string)));
				return good.every((eid) => ids.has(eid));
			};
			assert.ok(
				await eventually(delivered, 60_000, 1000),
				'the events sent after the poison batch were delivered',
			);

			const executions = await g.n8n.executions(w.id);
			const successful = executions.filter((e) => e.status === 'success');
			const inSuccess = successful.flatMap((e) => triggerItems(e).map((i) => i.id as string));
			assert.deepEqual(
				inSuccess.filter((eid) => poison.includes(eid)),
				[],
				'no poison event in a successful execution',
			);
			assert.equal(runs.length, MAX_ATTEMPTS, 'the poison batch ran exactly Max Attempts times');
			assert.equal((await running(w.id)).length, 0, 'no execution is still running');
			const sub = (await g.stores.subscribers.list(ref)).find((s) => s.id === w.sub);
			assert.ok(sub, 'the subscriber is still registered');
			assert.equal(sub.pending, 0, 'nothing pending for the subscriber');
			assert.equal(sub.waiting, 0, 'nothing waiting for the subscriber');

			const deadAt = Math.max(...letters.map((l) => l.deadAtMs));
			console.log(
				`poison batch: ${POISON} poison events, ${MAX_ATTEMPTS} runs each killed with n8n (executions ${runs.join(', ')}), ` +
					`dead-lettered ${((deadAt - crashTimes[crashTimes.length - 1]) / 1000).toFixed(1)} s after the last kill with "${letters[0].error}"; ` +
					`${GOOD} later events delivered in ${successful.length} successful execution(s); whole case ${((Date.now() - t0) / 1000).toFixed(1)} s`,
			);
			g.note(
				`poison batch: dead-lettered after ${MAX_ATTEMPTS} crashed runs, ${GOOD} later events delivered`,
			);
		});
	},
);
