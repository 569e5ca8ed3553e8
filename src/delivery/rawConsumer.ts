/**
 * The Webhook Raw Trigger's loop (README "Buffer and delivery guarantees"): one execution per event as soon as it is
 * accepted (blocking stream read), at most `concurrency` executions at once, acknowledged after
 * success; a failed event is retried after a back-off and dead-lettered after `maxAttempts`
 * failed runs, runs that never reported back (n8n killed) included (see readEvents.lua). Events
 * its filter leaves out are acknowledged as they are read, without an execution (docs/filters.md).
 */
import { toWebhookEvent } from '../parsing/webhookEvent';
import type { Logger } from '../logger';
import type { BufferDelivery, EndpointRef, ReadResult, StoredEntry } from '../redis/bufferPorts';
import type { WebhookEvent } from '../types';
import type { EventFilter } from './filter';
import { settleFiltered, splitByFilter } from './filteredRead';
import { deliveryMetrics } from './metrics';
import { renewEveryMs } from './reclaim';
import type { RunOutcome, RunWorkflow } from './types';
import { messageOf } from '../errors';

/**
 * Events in flight in this process, per subscriber, shared by every consumer of that subscriber:
 * when a workflow is re-activated, the new trigger's consumer starts while the old one's runs may
 * still be going, and must not start them a second time.
 */
const inFlightHere = new Map<string, Set<string>>();

export interface RawConsumerOptions {
	/** The buffer on a connection of its own (blocking reads). */
	buffer: BufferDelivery;
	endpoint: EndpointRef;
	subscriberId: string;
	/** Executions running at once (>= 1). */
	concurrency: number;
	maxAttempts: number;
	/** Back-off before a failed event is tried again, ms (multiplied by the attempt number). */
	retryDelayMs?: number;
	/** How long one blocking read waits, ms. */
	blockMs?: number;
	/** See BatchReleaseOptions.reclaimAfterMs; this consumer renews its events in flight meanwhile. */
	reclaimAfterMs?: number;
	/** Events it does not match are acknowledged without an execution and counted as filtered. */
	filter?: EventFilter;
	logger: Logger;
}

export class RawConsumer {
	private running = false;
	private loop?: Promise<void>;
	/** This consumer's events in flight (also entered in `inFlightHere`). */
	private readonly inFlight = new Set<string>();
	private readonly retryAt = new Map<string, number>();
	private slotFreed?: () => void;
	private renewTimer?: NodeJS.Timeout;
	private readonly sharedKey: string;

	constructor(
		private readonly options: RawConsumerOptions,
		private readonly run: RunWorkflow,
	) {
		this.sharedKey = JSON.stringify([
			options.endpoint.accountId,
			options.endpoint.id,
			options.subscriberId,
		]);
	}

	start(): void {
		if (this.running) return;
		this.running = true;
		this.loop = this.consume();
		const reclaimMs = this.options.reclaimAfterMs ?? 0;
		if (reclaimMs > 0)
			this.renewTimer = setInterval(() => this.renew(), renewEveryMs(reclaimMs)).unref();
	}

	/** Stops reading; executions already started finish (and acknowledge) on their own. */
	async stop(): Promise<void> {
		this.running = false;
		this.slotFreed?.();
		await this.loop?.catch(() => undefined);
	}

	private renew(): void {
		const { buffer, endpoint, subscriberId } = this.options;
		if (this.inFlight.size === 0) {
			// Stopped and settled: nothing will need renewing again.
			if (!this.running) clearInterval(this.renewTimer);
			return;
		}
		buffer.renew(endpoint, subscriberId, [...this.inFlight]).catch(() => undefined);
	}

	private shared(): Set<string> {
		let set = inFlightHere.get(this.sharedKey);
		if (!set) inFlightHere.set(this.sharedKey, (set = new Set()));
		return set;
	}

	private settled(ref: string): void {
		this.inFlight.delete(ref);
		const set = this.shared();
		set.delete(ref);
		if (set.size === 0) inFlightHere.delete(this.sharedKey);
	}

	/**
	 * Resolves once no execution is in flight any more (each started one has been acknowledged or
	 * recorded as failed), so the caller can close the connection those acknowledgements use.
	 */
	async whenIdle(pollMs = 100): Promise<void> {
		while (this.inFlight.size > 0) await new Promise((r) => setTimeout(r, pollMs));
	}

	private async consume(): Promise<void> {
		const { buffer, endpoint, subscriberId: sub, logger } = this.options;
		let lastTouch = 0;
		while (this.running) {
			try {
				if (this.inFlight.size >= this.options.concurrency) {
					await new Promise<void>((resolve) => (this.slotFreed = resolve));
					continue;
				}
				if (Date.now() - lastTouch > 60_000) {
					await buffer.touch(endpoint, sub);
					lastTouch = Date.now();
				}
				const now = Date.now();
				for (const [ref, at] of this.retryAt) if (at <= now) this.retryAt.delete(ref);
				const skip = new Set([...this.shared(), ...this.retryAt.keys()]);
				const read = await buffer.readBatch(
					endpoint,
					sub,
					this.options.concurrency - this.inFlight.size,
					{
						skip,
						blockMs: this.options.blockMs ?? 2000,
						reclaimAfterMs: this.options.reclaimAfterMs,
						maxAttempts: this.options.maxAttempts,
					},
				);
				this.reportRead(read);
				const entries = read.entries;
				// Read just as stop() was called: leave them pending (read again on the next start)
				// rather than start executions n8n can no longer run; that delivery is not an attempt.
				if (!this.running) {
					await buffer.unread(
						endpoint,
						sub,
						entries.map((e) => e.ref),
					);
					break;
				}
				const { matched, filtered } = await splitByFilter(entries, endpoint, this.options.filter);
				for (const { entry, event } of matched) this.dispatch(entry, event);
				if (filtered.length > 0) {
					await settleFiltered(buffer, endpoint, sub, 'raw', filtered);
					logger.debug(
						"events left out by the trigger's filter were acknowledged without an execution",
						{ endpoint: endpoint.id, subscriber: sub, events: filtered.length },
					);
				}
			} catch (error) {
				if (!this.running) break;
				logger.warn('raw trigger read failed; retrying', {
					endpoint: endpoint.id,
					error: messageOf(error),
				});
				await new Promise((r) => setTimeout(r, 1000));
			}
		}
	}

	/** Logs and counts what a read did besides returning events. */
	private reportRead(read: ReadResult): void {
		const { endpoint, subscriberId: sub, logger } = this.options;
		const metrics = deliveryMetrics();
		if (read.deadLettered.length > 0) {
			metrics.deadLettered(endpoint.id, 'raw', read.deadLettered.length);
			logger.warn(
				'events whose executions never reported back (n8n stopped or crashed) Max Attempts times moved to dead letters',
				{ endpoint: endpoint.id, subscriber: sub, events: read.deadLettered.length },
			);
		}
		if (read.held.length > 0) {
			metrics.deadLetterFull(endpoint.id, 'raw', read.held.length);
			logger.warn(
				'dead letters are full: events at Max Attempts stay pending until dead letters are replayed or deleted',
				{ endpoint: endpoint.id, subscriber: sub, events: read.held.length },
			);
		}
	}

	private dispatch(entry: StoredEntry, converted?: WebhookEvent): void {
		const { buffer, endpoint, subscriberId: sub, logger } = this.options;
		this.inFlight.add(entry.ref);
		this.shared().add(entry.ref);
		void (async () => {
			try {
				const event = converted ?? (await toWebhookEvent(entry, endpoint));
				const outcome = await this.run([event]).catch(
					(error: unknown): RunOutcome => ({ ok: false, error: messageOf(error) }),
				);
				const metrics = deliveryMetrics();
				metrics.execution(endpoint.id, 'raw', outcome.ok);
				if (outcome.ok) {
					await buffer.ack(endpoint, sub, [entry.ref]);
					metrics.acknowledged(endpoint.id, 'raw', 1);
				} else {
					if (outcome.timedOut) metrics.timedOut(endpoint.id, 'raw');
					const { dead, held } = await buffer.recordFailure(
						endpoint,
						sub,
						[entry.ref],
						this.options.maxAttempts,
						outcome.error,
					);
					metrics.deadLettered(endpoint.id, 'raw', dead.length);
					metrics.deadLetterFull(endpoint.id, 'raw', held.length);
					metrics.retried(endpoint.id, 'raw', 1 - dead.length - held.length);
					if (dead.length === 0) {
						const [attempts] = await buffer.attempts(endpoint, sub, [entry.ref]);
						this.retryAt.set(
							entry.ref,
							Date.now() + (this.options.retryDelayMs ?? 5000) * Math.max(1, attempts),
						);
					}
					const message =
						dead.length > 0
							? 'event moved to dead letters'
							: held.length > 0
								? 'event at Max Attempts stays pending: the dead letters are full'
								: 'execution failed; the event will be retried';
					logger.warn(message, {
						endpoint: endpoint.id,
						event: entry.eventId,
						error: outcome.error,
					});
				}
			} catch (error) {
				// Not acknowledged: the event stays pending and is read again.
				logger.warn('could not settle an event; it will be delivered again', {
					endpoint: endpoint.id,
					event: entry.eventId,
					error: messageOf(error),
				});
				this.retryAt.set(entry.ref, Date.now() + (this.options.retryDelayMs ?? 5000));
			} finally {
				this.settled(entry.ref);
				this.slotFreed?.();
				this.slotFreed = undefined;
			}
		})();
	}
}
