/**
 * One scheduled release of a Webhook Batch Trigger (PRODUCT.md §6): under a lease, read the
 * subscriber's waiting events in batches of at most `maxEvents`, run one execution per batch,
 * acknowledge a batch only after its execution succeeded; a failed batch stays pending (released
 * again on the next tick) and after `maxAttempts` failures its events become dead letters.
 * Batches run one after the other, so memory is bounded by the batch size, not the backlog.
 */
import { randomUUID } from 'node:crypto';
import { toWebhookEvent } from '../events/codec';
import type { Logger } from '../logger';
import type { BufferStore, EndpointRef } from '../redis/buffer';
import { deliveryMetrics } from './metrics';
import type { RunWorkflow } from './types';

export interface BatchReleaseOptions {
	buffer: BufferStore;
	endpoint: EndpointRef;
	subscriberId: string;
	/** Most events in one execution (default 1000). */
	maxEvents: number;
	/** Failed executions before a batch's events become dead letters (default 3). */
	maxAttempts: number;
	/** Start an execution with no events when nothing is waiting. */
	emitWhenEmpty: boolean;
	/** Identifies this trigger instance for the release lease. */
	leaseOwner?: string;
	/**
	 * Events given to a run and never acknowledged are released again only after they have gone
	 * this long without a renewal (this release renews its batch while the run goes on). 0: at
	 * once, right for n8n in regular mode, where a run cannot outlive the process that released
	 * it. In queue mode a worker's run goes on after its main died: see `reclaimAfterMs()` in
	 * src/delivery/reclaim.ts.
	 */
	reclaimAfterMs?: number;
	/** Lease time, ms (default LEASE_MS; tests shorten it). */
	leaseMs?: number;
	/**
	 * Aborted when the trigger closes (workflow deactivated): the batch whose execution is running
	 * is still settled, but no further batch is read, since n8n could no longer run it and the
	 * failure would count as an attempt.
	 */
	signal?: AbortSignal;
	logger: Logger;
}

export interface ReleaseSummary {
	/** False when another instance held the lease (nothing was released here). */
	leased: boolean;
	executions: number;
	events: number;
	failedExecutions: number;
	deadLettered: number;
}

/**
 * Lease time; renewed every third of it while an execution runs, so a long workflow keeps it. It
 * bounds how long a crashed instance's lease blocks the next release (the re-release of its
 * unacknowledged batch) after n8n restarts.
 */
export const LEASE_MS = 20_000;

export async function releaseBatches(options: BatchReleaseOptions, run: RunWorkflow): Promise<ReleaseSummary> {
	const { buffer, endpoint, subscriberId: sub, logger } = options;
	const owner = options.leaseOwner ?? randomUUID();
	const leaseMs = options.leaseMs ?? LEASE_MS;
	const summary: ReleaseSummary = { leased: false, executions: 0, events: 0, failedExecutions: 0, deadLettered: 0 };
	if (!(await buffer.takeLease(endpoint, sub, owner, leaseMs))) {
		logger.debug('release skipped: another instance is releasing for this subscriber', { endpoint: endpoint.id, subscriber: sub });
		return summary;
	}
	summary.leased = true;
	const metrics = deliveryMetrics();
	const reclaimAfterMs = options.reclaimAfterMs ?? 0;
	let inFlight: string[] = [];
	const renew = setInterval(() => {
		void buffer.takeLease(endpoint, sub, owner, leaseMs).catch(() => undefined);
		if (reclaimAfterMs > 0 && inFlight.length > 0) void buffer.renew(endpoint, sub, inFlight).catch(() => undefined);
	}, leaseMs / 3);
	try {
		await buffer.touch(endpoint, sub);
		for (;;) {
			if (options.signal?.aborted) break;
			const entries = await buffer.read(endpoint, sub, options.maxEvents, { reclaimAfterMs });
			if (entries.length === 0) {
				if (summary.executions === 0 && options.emitWhenEmpty) {
					summary.executions++;
					await run([]);
				}
				break;
			}
			const events = await Promise.all(entries.map((e) => toWebhookEvent(e, endpoint)));
			const refs = entries.map((e) => e.ref);
			inFlight = refs;
			summary.executions++;
			if (summary.executions === 1) metrics.release(endpoint.id);
			const outcome = await run(events).catch((error: unknown) => ({ ok: false as const, error: error instanceof Error ? error.message : String(error) }));
			metrics.execution(endpoint.id, 'batch', outcome.ok);
			inFlight = [];
			if (outcome.ok) {
				await buffer.ack(endpoint, sub, refs);
				metrics.acknowledged(endpoint.id, 'batch', refs.length);
				summary.events += events.length;
				if (entries.length < options.maxEvents) break;
				if (!(await buffer.takeLease(endpoint, sub, owner, leaseMs))) break;
				continue;
			}
			summary.failedExecutions++;
			const dead = await buffer.nack(endpoint, sub, refs, options.maxAttempts, outcome.error);
			summary.deadLettered += dead.length;
			metrics.deadLettered(endpoint.id, 'batch', dead.length);
			metrics.retried(endpoint.id, 'batch', refs.length - dead.length);
			logger.warn(dead.length > 0 ? 'batch failed; its events moved to dead letters' : 'batch failed; it will be released again on the next tick', {
				endpoint: endpoint.id,
				subscriber: sub,
				events: refs.length,
				deadLettered: dead.length,
				error: outcome.error,
			});
			break;
		}
	} finally {
		clearInterval(renew);
		await buffer.releaseLease(endpoint, sub, owner).catch(() => undefined);
	}
	return summary;
}
