/**
 * When may events that were given to a run, and never acknowledged, be given to a run again?
 *
 * n8n in regular mode runs an execution inside the process whose trigger started it: when that
 * process is gone, so is the run, and its events can be released again at once (the release
 * lease keeps a second release away while the first process is alive). In queue mode a worker
 * runs it: if the main that started it dies, the run goes on, and nothing can tell the restarted
 * main how it ends. Its events are then released again only after they have gone the "reclaim"
 * time without a renewal (the releasing process renews them while it waits for the run), so the
 * time must be longer than the longest run. A failed run's events come back at once in both modes.
 */

import { LEASE_MS } from './batchRelease';

/** Default reclaim time in queue mode: n8n's own cap on a workflow's timeout (EXECUTIONS_TIMEOUT_MAX, 3600 s). */
export const DEFAULT_RECLAIM_MINUTES = 60;

/** Whether this n8n process hands executions to workers (EXECUTIONS_MODE=queue). */
export function runsOnWorkers(env: NodeJS.ProcessEnv = process.env): boolean {
	return env.EXECUTIONS_MODE?.trim().toLowerCase() === 'queue';
}

/** The reclaim time in ms for a trigger option in minutes (0 in regular mode, see above). */
export function reclaimAfterMs(
	minutes: number | undefined,
	env: NodeJS.ProcessEnv = process.env,
): number {
	if (!runsOnWorkers(env)) return 0;
	const value = Number(minutes ?? DEFAULT_RECLAIM_MINUTES);
	return Math.round(
		(Number.isFinite(value) && value > 0 ? value : DEFAULT_RECLAIM_MINUTES) * 60_000,
	);
}

/** How often a process renews the events it has in flight, for a reclaim time. */
export function renewEveryMs(reclaimMs: number): number {
	return Math.max(1000, Math.min(LEASE_MS / 3, reclaimMs / 3));
}
