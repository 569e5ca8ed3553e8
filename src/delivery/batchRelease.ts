/**
 * One scheduled release of a Webhook Batch Trigger (README "Buffer and delivery guarantees"): under a lease, read the
 * subscriber's waiting events in batches of at most `maxEvents`, run one execution per batch,
 * acknowledge a batch only after its execution succeeded; a failed batch stays pending (released
 * again on the next tick) and after `maxAttempts` failures its events become dead letters. Runs
 * that never reported back (n8n killed) count as failures too (see readEvents.lua). A batch is
 * capped in events and in bytes; optionally a failed batch is bisected. With a filter
 * (docs/filters.md), events it leaves out are acknowledged as they are read and a batch is
 * gathered over several reads, so 1000 waiting events of which 10 match make one execution of 10.
 * Batches run one after the other, so memory is bounded by the batch size, not the backlog.
 */
import { randomUUID } from 'node:crypto';
import { toWebhookEvent } from '../parsing/webhookEvent';
import type { Logger } from '../logger';
import type { BufferDelivery, EndpointRef, ReadResult, StoredEntry } from '../redis/bufferPorts';
import type { WebhookEvent } from '../types';
import type { EventFilter } from './filter';
import { settleFiltered, splitByFilter, storedSize } from './filteredRead';
import { deliveryMetrics } from './metrics';
import type { RunOutcome, RunWorkflow } from './types';
import { messageOf } from '../errors';

export interface BatchReleaseOptions {
	buffer: BufferDelivery;
	endpoint: EndpointRef;
	subscriberId: string;
	/** Most events in one execution (default 1000). */
	maxEvents: number;
	/** Failed executions before a batch's events become dead letters (default 3). */
	maxAttempts: number;
	/** Start an execution with no events when nothing is waiting. */
	emitWhenEmpty: boolean;
	/** Most bytes (stored size) in one execution; at least one event. Default DEFAULT_MAX_BATCH_BYTES. */
	maxBytes?: number;
	/** Run the halves of a failed batch again (see `settleFailed`); off by default. */
	bisect?: boolean;
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
	/** Events it does not match are acknowledged without an execution and counted as filtered. */
	filter?: EventFilter;
	logger: Logger;
}

export interface ReleaseSummary {
	/** False when another instance held the lease (nothing was released here). */
	leased: boolean;
	executions: number;
	events: number;
	failedExecutions: number;
	deadLettered: number;
	/** Events the filter left out (acknowledged without an execution). */
	filtered: number;
}

/**
 * Lease time; renewed every third of it while an execution runs, so a long workflow keeps it. It
 * bounds how long a crashed instance's lease blocks the next release (the re-release of its
 * unacknowledged batch) after n8n restarts.
 */
export const LEASE_MS = 20_000;

/** Default Max Bytes Per Execution: 16 MiB of stored events (at least one event per execution). */
export const DEFAULT_MAX_BATCH_BYTES = 16 * 1024 * 1024;

export async function releaseBatches(
	options: BatchReleaseOptions,
	run: RunWorkflow,
): Promise<ReleaseSummary> {
	const { buffer, endpoint, subscriberId: sub, logger } = options;
	const owner = options.leaseOwner ?? randomUUID();
	const leaseMs = options.leaseMs ?? LEASE_MS;
	const summary: ReleaseSummary = {
		leased: false,
		executions: 0,
		events: 0,
		failedExecutions: 0,
		deadLettered: 0,
		filtered: 0,
	};
	if (!(await buffer.takeLease(endpoint, sub, owner, leaseMs))) {
		logger.debug('release skipped: another instance is releasing for this subscriber', {
			endpoint: endpoint.id,
			subscriber: sub,
		});
		return summary;
	}
	summary.leased = true;
	const metrics = deliveryMetrics();
	const reclaimAfterMs = options.reclaimAfterMs ?? 0;
	let inFlight: string[] = [];
	/** Events of the batch being released, by ref (converted once, when the filter saw them). */
	const events = new Map<string, WebhookEvent>();
	const renew = setInterval(() => {
		void buffer.takeLease(endpoint, sub, owner, leaseMs).catch(() => undefined);
		if (reclaimAfterMs > 0 && inFlight.length > 0)
			void buffer.renew(endpoint, sub, inFlight).catch(() => undefined);
	}, leaseMs / 3);

	/** One execution; failures of any kind become a failed outcome. */
	const execute = async (entries: StoredEntry[]): Promise<RunOutcome> => {
		const batch = await Promise.all(
			entries.map((e) => events.get(e.ref) ?? toWebhookEvent(e, endpoint)),
		);
		summary.executions++;
		if (summary.executions === 1) metrics.release(endpoint.id);
		const outcome = await run(batch).catch(
			(error: unknown): RunOutcome => ({ ok: false, error: messageOf(error) }),
		);
		metrics.execution(endpoint.id, 'batch', outcome.ok);
		if (!outcome.ok && outcome.timedOut) metrics.timedOut(endpoint.id, 'batch');
		if (!outcome.ok) summary.failedExecutions++;
		return outcome;
	};
	const acknowledge = async (entries: StoredEntry[]) => {
		const refs = entries.map((e) => e.ref);
		await buffer.ack(endpoint, sub, refs);
		metrics.acknowledged(endpoint.id, 'batch', refs.length);
		summary.events += refs.length;
		inFlight = inFlight.filter((r) => !refs.includes(r));
	};
	const fail = async (entries: StoredEntry[], error: string) => {
		const refs = entries.map((e) => e.ref);
		const { dead, held } = await buffer.recordFailure(
			endpoint,
			sub,
			refs,
			options.maxAttempts,
			error,
		);
		summary.deadLettered += dead.length;
		metrics.deadLettered(endpoint.id, 'batch', dead.length);
		metrics.deadLetterFull(endpoint.id, 'batch', held.length);
		metrics.retried(endpoint.id, 'batch', refs.length - dead.length - held.length);
		inFlight = inFlight.filter((r) => !refs.includes(r));
		logger.warn(
			dead.length > 0
				? 'batch failed; events at Max Attempts moved to dead letters'
				: 'batch failed; it will be released again on the next tick',
			{
				endpoint: endpoint.id,
				subscriber: sub,
				events: refs.length,
				deadLettered: dead.length,
				error,
			},
		);
		if (held.length > 0)
			logger.warn(
				'dead letters are full: events at Max Attempts stay pending and are not released again until dead letters are replayed or deleted',
				{ endpoint: endpoint.id, subscriber: sub, events: held.length },
			);
	};
	/**
	 * Bisect (when enabled): the halves of a failed batch run again, so that one bad event does not
	 * take the innocent ones with it. When both halves fail the cause is not one event: both are
	 * recorded as failed as they are, so a broken workflow costs at most 1 + 2·log2(n) executions.
	 */
	const settleFailed = async (entries: StoredEntry[], error: string): Promise<void> => {
		if (!options.bisect || entries.length < 2 || options.signal?.aborted)
			return await fail(entries, error);
		const half = Math.ceil(entries.length / 2);
		const parts = [entries.slice(0, half), entries.slice(half)];
		const outcomes: RunOutcome[] = [];
		for (const part of parts) {
			const outcome = await execute(part);
			outcomes.push(outcome);
			if (outcome.ok) await acknowledge(part);
		}
		const failed = parts.flatMap((part, i) =>
			outcomes[i].ok ? [] : [{ part, outcome: outcomes[i] as { ok: false; error: string } }],
		);
		if (failed.length === 2) {
			for (const f of failed) await fail(f.part, f.outcome.error);
		} else if (failed.length === 1) {
			await settleFailed(failed[0].part, failed[0].outcome.error);
		}
	};

	const reportRead = (read: ReadResult) => {
		if (read.deadLettered.length > 0) {
			summary.deadLettered += read.deadLettered.length;
			metrics.deadLettered(endpoint.id, 'batch', read.deadLettered.length);
			logger.warn(
				'events whose executions never reported back (n8n stopped or crashed) Max Attempts times moved to dead letters',
				{ endpoint: endpoint.id, subscriber: sub, events: read.deadLettered.length },
			);
		}
		if (read.held.length > 0) {
			metrics.deadLetterFull(endpoint.id, 'batch', read.held.length);
			logger.warn(
				'dead letters are full: events at Max Attempts stay pending and are not released until dead letters are replayed or deleted',
				{ endpoint: endpoint.id, subscriber: sub, events: read.held.length },
			);
		}
	};
	const maxBytes = options.maxBytes ?? DEFAULT_MAX_BATCH_BYTES;
	/**
	 * The next batch: up to `maxEvents` events the filter wants, read in as many reads as it takes
	 * (events it leaves out are acknowledged on the way), within `maxBytes`. Without a filter, one
	 * read. `more`: events may still be waiting.
	 */
	const nextBatch = async (): Promise<{ entries: StoredEntry[]; more: boolean }> => {
		const taken: StoredEntry[] = [];
		let bytes = 0;
		events.clear();
		for (let first = true; ; first = false) {
			const want = options.maxEvents - taken.length;
			const read = await buffer.readBatch(endpoint, sub, want, {
				reclaimAfterMs,
				maxBytes,
				maxAttempts: options.maxAttempts,
				skip: first ? undefined : new Set(taken.map((e) => e.ref)),
			});
			reportRead(read);
			const { matched, filtered } = await splitByFilter(read.entries, endpoint, options.filter);
			const overflow: string[] = [];
			for (const { entry, event } of matched) {
				const size = storedSize(entry);
				// The first read is capped by the script itself; later ones add to what was taken.
				if (overflow.length === 0 && (first || bytes + size <= maxBytes)) {
					taken.push(entry);
					events.set(entry.ref, event);
					bytes += size;
				} else overflow.push(entry.ref);
			}
			inFlight = taken.map((e) => e.ref);
			if (overflow.length > 0) await buffer.unread(endpoint, sub, overflow);
			summary.filtered += await settleFiltered(buffer, endpoint, sub, 'batch', filtered);
			if (filtered.length > 0)
				logger.debug(
					"events left out by the trigger's filter were acknowledged without an execution",
					{ endpoint: endpoint.id, subscriber: sub, events: filtered.length },
				);
			const full = read.entries.length >= want || read.bytesFull;
			if (!full) return { entries: taken, more: false };
			if (
				!options.filter ||
				taken.length >= options.maxEvents ||
				overflow.length > 0 ||
				(read.bytesFull && filtered.length === 0) ||
				options.signal?.aborted
			)
				return { entries: taken, more: true };
		}
	};

	try {
		await buffer.touch(endpoint, sub);
		for (;;) {
			if (options.signal?.aborted) break;
			const batch = await nextBatch();
			const entries = batch.entries;
			if (entries.length === 0) {
				if (summary.executions === 0 && options.emitWhenEmpty && !options.signal?.aborted) {
					summary.executions++;
					await run([]);
				}
				break;
			}
			inFlight = entries.map((e) => e.ref);
			const outcome = await execute(entries);
			if (outcome.ok) {
				await acknowledge(entries);
				if (!batch.more) break;
				if (!(await buffer.takeLease(endpoint, sub, owner, leaseMs))) break;
				continue;
			}
			await settleFailed(entries, outcome.error);
			inFlight = [];
			break;
		}
	} finally {
		clearInterval(renew);
		await buffer.releaseLease(endpoint, sub, owner).catch(() => undefined);
	}
	return summary;
}
