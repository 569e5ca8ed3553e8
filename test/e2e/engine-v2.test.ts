/**
 * n8n 2.x's Engine 2.0 (workflow setting `engineType: "v2"`) refuses a trigger's emit that waits
 * for the run (donePromise), which both triggers need. In a real n8n 2.41.1 with the package
 * installed from its tarball: activating a Batch or Raw Trigger workflow set to v2 fails with the
 * node's message saying what to change, the trigger never starts, and after switching the
 * workflow back to v1 the same workflow activates and delivers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { N8N_MAJOR, N8N_VERSION } from '../harness/n8n';
import { startGatewayN8n, type Created, type GatewayN8n } from './fixtures/context';
import { eventually, sendAccepted, triggerItems } from './fixtures/triggers';

let g: GatewayN8n;

const MESSAGE = /this workflow runs on n8n's Engine 2\.0 \(workflow setting engineType "v2"\)/;

/** The activation error n8n records for the workflow ('' while there is none). */
async function activationError(workflowId: string): Promise<string> {
	const answer = (await g.n8n.rest(
		'GET',
		`/active-workflows/error/${encodeURIComponent(workflowId)}`,
	)) as { data?: unknown } | undefined;
	const data = answer?.data as { error?: unknown } | string | null | undefined;
	if (!data) return '';
	return typeof data === 'string' ? data : String(data.error ?? JSON.stringify(data));
}

/**
 * Activates through the public API; returns the refusal: n8n's answer, else the activation error
 * it records for the workflow (what the editor shows), else the trigger's error in n8n's log (2.41
 * activates through an outbox and records the error only after its activation retries).
 */
async function refusedActivation(w: Created): Promise<string> {
	const logged = g.n8n.logs().length;
	try {
		await g.n8n.activate(w.id);
	} catch (error) {
		return String(error);
	}
	let message = '';
	await eventually(async () => {
		message =
			(await activationError(w.id)) ||
			(MESSAGE.test(g.n8n.logs().slice(logged)) ? g.n8n.logs().slice(logged) : '');
		return message !== '';
	}, 90_000);
	return message;
}

/** Through the editor's REST API: n8n 2.41's public API refuses the engineType setting. */
async function setEngine(w: Created, engineType: 'v1' | 'v2'): Promise<void> {
	await g.n8n.rest('PATCH', `/workflows/${w.id}`, { settings: { ...w.wf.settings, engineType } });
}

describe(
	`Engine 2.0 workflows in a real n8n ${N8N_VERSION}`,
	{ timeout: 600_000, skip: N8N_MAJOR < 2 && 'n8n 1.x has no Engine 2.0' },
	() => {
		before(async () => {
			g = await startGatewayN8n();
			await g.endpoint('engine');
		});
		after(async () => {
			await g?.close('engine v2 e2e');
		});

		for (const kind of ['batch', 'raw'] as const) {
			it(`refuses to activate a ${kind} trigger in a v2 workflow and says what to change`, async () => {
				const w = await g.workflow(`engine v2 ${kind}`, { kind, endpointId: 'engine' });
				await setEngine(w, 'v2');
				const refusal = await refusedActivation(w);
				assert.match(
					refusal,
					MESSAGE,
					`n8n's answer or recorded activation error:\n${refusal}\n${g.n8n.logs().slice(-3000)}`,
				);
				assert.equal(g.logCount('listening on', w.sub), 0, 'the trigger never started');
				await g.n8n.deactivate(w.id).catch(() => undefined);

				// The fix the message names: back to v1, then the same workflow activates and delivers.
				await setEngine(w, 'v1');
				await g.activate(w);
				const sent = await sendAccepted(g.hooks, 'engine', kind === 'batch' ? 0 : 100, 1);
				const [execution] = await g.n8n.waitForExecutions(w.id, 1, 60_000);
				assert.equal(execution.status, 'success');
				assert.equal(triggerItems(execution)[0].id, sent[0]!.body.eventId);
				await g.deactivate(w);
			});
		}
	},
);
