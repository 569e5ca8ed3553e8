/**
 * What the delivery loops need from the outside: a way to run a workflow with events and learn
 * whether the run succeeded. The n8n nodes implement it with `emit(data, undefined, donePromise)`.
 */
import type { WebhookEvent } from '../types';

export type RunOutcome =
	| { ok: true }
	| {
			ok: false;
			error: string;
			/** n8n did not settle the run in time (Unfinished Run Timeout). */ timedOut?: boolean;
	  };

/** Starts one execution with these events and resolves when it has finished. */
export type RunWorkflow = (events: WebhookEvent[]) => Promise<RunOutcome>;
