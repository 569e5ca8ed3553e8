/**
 * The Webhook Batch Trigger's loop, beside the Raw Trigger's (rawConsumer.ts): while the workflow
 * is active, one release per schedule tick (batchRelease.ts does the release), never two at once,
 * an extra release when enough events are waiting, and a periodic "still here" so a rarely firing
 * schedule does not lose its subscriber to retention. The node supplies the schedule's ticks and
 * the RunWorkflow that emits into n8n; nothing here knows n8n.
 */
import { releaseBatches, type ReleaseSummary } from './batchRelease';
import type { EventFilter } from './filter';
import type { RunWorkflow } from './types';
import type { Logger } from '../logger';
import type { EndpointRef } from '../redis';
import type { BufferDelivery } from '../redis/bufferPorts';
import { messageOf } from '../errors';

export interface BatchReleaserOptions {
	buffer: BufferDelivery;
	endpoint: EndpointRef;
	subscriberId: string;
	maxEvents: number;
	/** Most bytes (stored size) per execution; see BatchReleaseOptions.maxBytes. */
	maxBytes?: number;
	/** See BatchReleaseOptions.bisect. */
	bisect?: boolean;
	maxAttempts: number;
	emitWhenEmpty: boolean;
	/** Release as soon as this many events wait (0 = only on the schedule). */
	releaseWhenWaiting: number;
	leaseOwner: string;
	/** See BatchReleaseOptions.reclaimAfterMs. */
	reclaimAfterMs?: number;
	/** See BatchReleaseOptions.filter. */
	filter?: EventFilter;
	logger: Logger;
	/** How often the waiting count is checked, ms. */
	waitingPollMs?: number;
	/** How often the subscriber is marked alive between releases, ms. */
	touchEveryMs?: number;
}

export type TickReason = 'schedule' | 'waiting';

export class BatchReleaser {
	private running?: Promise<void>;
	private stopped = false;
	private polling = false;
	/** After a failed release, waiting-count releases pause until the next scheduled tick. */
	private waitingPaused = false;
	private readonly timers: NodeJS.Timeout[] = [];
	private readonly closing = new AbortController();

	constructor(
		private readonly options: BatchReleaserOptions,
		private readonly run: RunWorkflow,
	) {}

	start(): void {
		const { releaseWhenWaiting, waitingPollMs = 3000, touchEveryMs = 3_600_000 } = this.options;
		if (releaseWhenWaiting > 0)
			this.timers.push(setInterval(() => void this.checkWaiting(), waitingPollMs));
		this.timers.push(
			setInterval(() => {
				if (this.running) return;
				this.options.buffer
					.touch(this.options.endpoint, this.options.subscriberId)
					.catch((error: unknown) => this.warn('could not mark the subscriber alive', error));
			}, touchEveryMs),
		);
	}

	/** Starts a release unless one is running (ticks never overlap) or the trigger stopped. */
	tick(reason: TickReason): boolean {
		if (this.stopped) return false;
		if (this.running) {
			this.options.logger.debug(
				'webhook batch release skipped: the previous one is still running',
				{ endpoint: this.options.endpoint.id, reason },
			);
			return false;
		}
		if (reason === 'schedule') this.waitingPaused = false;
		this.running = this.release(reason).finally(() => (this.running = undefined));
		return true;
	}

	/** Resolves when no release is running. */
	async whenIdle(): Promise<void> {
		while (this.running) await this.running;
	}

	/** Stops ticking and polling; a running release settles its current batch and stops. Idempotent. */
	stop(): void {
		this.stopped = true;
		this.closing.abort();
		for (const timer of this.timers.splice(0)) clearInterval(timer);
	}

	private async release(reason: TickReason): Promise<void> {
		const { logger, endpoint, subscriberId } = this.options;
		let summary: ReleaseSummary;
		try {
			summary = await releaseBatches(
				{
					buffer: this.options.buffer,
					endpoint,
					subscriberId,
					maxEvents: this.options.maxEvents,
					maxBytes: this.options.maxBytes,
					bisect: this.options.bisect,
					maxAttempts: this.options.maxAttempts,
					emitWhenEmpty: this.options.emitWhenEmpty,
					leaseOwner: this.options.leaseOwner,
					reclaimAfterMs: this.options.reclaimAfterMs,
					signal: this.closing.signal,
					filter: this.options.filter,
					logger,
				},
				this.run,
			);
		} catch (error) {
			this.warn('webhook batch release failed; the events stay buffered for the next tick', error);
			return;
		}
		if (summary.failedExecutions > 0) this.waitingPaused = true;
		if (summary.executions > 0 || summary.filtered > 0) {
			logger.info('webhook batch release', {
				endpoint: endpoint.id,
				subscriber: subscriberId,
				reason,
				...summary,
			});
		}
	}

	private async checkWaiting(): Promise<void> {
		if (this.stopped || this.running || this.polling || this.waitingPaused) return;
		this.polling = true;
		try {
			const waiting = await this.options.buffer.waiting(
				this.options.endpoint,
				this.options.subscriberId,
			);
			if (waiting >= this.options.releaseWhenWaiting) this.tick('waiting');
		} catch (error) {
			this.warn('could not count the waiting events', error);
		} finally {
			this.polling = false;
		}
	}

	private warn(message: string, error: unknown): void {
		this.options.logger.warn(message, {
			endpoint: this.options.endpoint.id,
			subscriber: this.options.subscriberId,
			error: messageOf(error),
		});
	}
}
