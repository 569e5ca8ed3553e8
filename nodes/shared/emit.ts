/**
 * Runs a workflow from a trigger and learns how it ended, the way n8n's RabbitMQ Trigger
 * acknowledges: `emit(data, undefined, donePromise)`, then wait for the IRun. This is the
 * RunWorkflow that src/delivery calls; acknowledgement happens there, after the run.
 */
import type { IDataObject, IRun, ITriggerFunctions } from 'n8n-workflow';
import type { RunOutcome, RunWorkflow } from '../../src/delivery/types';
import type { SubscriberGap } from '../../src/redis';
import type { WebhookEvent } from '../../src/types';
import { messageOf } from './errors';
import { itemsOf, type ItemOptions } from './items';

const FAILED = new Set(['error', 'crashed', 'canceled']);

/**
 * Success only when the run has no error and did not end as error/crashed/canceled. A run that
 * waits (Wait node) counts as success: n8n holds the events now. No IRun means n8n could not
 * start or finish the run.
 */
export function outcomeOfRun(run: IRun | undefined): RunOutcome {
	if (!run) return { ok: false, error: 'the execution ended without a result' };
	const error = run.data?.resultData?.error as (IDataObject & { message?: string }) | undefined;
	if (error) return { ok: false, error: String(error.message ?? 'the execution failed') };
	if (FAILED.has(String(run.status)))
		return { ok: false, error: `the execution ended with status '${String(run.status)}'` };
	return { ok: true };
}

/**
 * Waits for a run's IRun, at most `timeoutMs`: n8n before 2.35 never settles the promise of a run
 * that failed to start, and a trigger waiting on it forever would release nothing again. A run
 * that does not settle in time counts as failed (`timedOut`), so its events are released again.
 */
export async function settledWithin(done: Promise<IRun>, timeoutMs: number): Promise<RunOutcome> {
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<RunOutcome>((resolve) => {
		timer = setTimeout(
			() =>
				resolve({
					ok: false,
					timedOut: true,
					error: `the execution did not finish within the Unfinished Run Timeout (${Math.round(timeoutMs / 1000)} s); its events count as failed and are released again`,
				}),
			timeoutMs,
		);
	});
	try {
		return await Promise.race([done.then(outcomeOfRun), timeout]);
	} finally {
		clearTimeout(timer);
	}
}

/**
 * A RunWorkflow that emits the events as items and resolves when the execution has finished, or
 * after `timeoutMs` (the Unfinished Run Timeout) as a failure, logged with the reason.
 * @param takeGap a gap to report: put as `gap` on each item of that one execution
 */
export function emittingRunner(
	ctx: ITriggerFunctions,
	options: ItemOptions,
	timeoutMs: number,
	takeGap: () => SubscriberGap | undefined = () => undefined,
): RunWorkflow {
	return async (events: WebhookEvent[]): Promise<RunOutcome> => {
		try {
			const items = await itemsOf(events, options, (data, fileName, mimeType) =>
				ctx.helpers.prepareBinaryData(data, fileName, mimeType),
			);
			const gap = takeGap();
			if (gap) for (const item of items) item.json.gap = { ...gap } as unknown as IDataObject;
			const done = ctx.helpers.createDeferredPromise<IRun>();
			ctx.emit([items], undefined, done);
			const outcome = await settledWithin(done.promise, timeoutMs);
			if (!outcome.ok && outcome.timedOut)
				ctx.logger.warn(`Webhook trigger: ${outcome.error}`, {
					events: events.length,
					node: ctx.getNode().name,
				});
			return outcome;
		} catch (error) {
			return { ok: false, error: messageOf(error) };
		}
	};
}
