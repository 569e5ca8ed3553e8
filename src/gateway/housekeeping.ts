/**
 * The gateway's periodic housekeeping pass: drops subscribers unseen for the retention period,
 * trims events by acknowledgement and by age (logging and counting what age retention discards),
 * and prunes old days of usage counters and old hours of statistics so those hashes stop growing.
 * Idempotent, so several gateways may run it; a failed round (Redis down) is retried next round.
 */
import type { GatewayConfig } from '../config';
import type { Logger } from '../logger';
import type { BufferLifecycle, Stores } from '../redis';
import { messageOf } from '../errors';

/** How often a gateway runs the pass, ms. */
export const MAINTENANCE_INTERVAL_MS = 60_000;

/** Where the pass reports events it removed before every subscriber acknowledged them. */
export interface DiscardCounter {
	discarded(endpoint: string, reason: 'retention', events: number): void;
}

type HousekeepingConfig = Pick<GatewayConfig, 'subscriberRetentionMs' | 'eventRetentionMs'>;

/** The stores the pass uses: the buffer only through its lifecycle port (`maintain`). */
export type HousekeepingStores = Pick<Stores, 'registry' | 'stats' | 'usage'> & {
	buffer: BufferLifecycle;
};

/** One pass over every registered endpoint and account. */
export async function runHousekeeping(
	stores: HousekeepingStores,
	config: HousekeepingConfig,
	logger: Logger,
	counter?: DiscardCounter,
): Promise<void> {
	const accounts = new Set<string>();
	for (const e of await stores.registry.listEndpoints()) {
		accounts.add(e.accountId);
		const r = await stores.buffer.maintain(
			{ id: e.id, accountId: e.accountId },
			config.subscriberRetentionMs,
			config.eventRetentionMs,
		);
		if (r.droppedSubscribers.length > 0)
			logger.info('dropped subscribers unseen for the retention period', {
				endpoint: e.id,
				subscribers: r.droppedSubscribers,
			});
		if (r.discarded.entries > 0) {
			counter?.discarded(e.id, 'retention', r.discarded.entries);
			logger.warn(
				'discarded events older than the event retention that were not acknowledged by every subscriber',
				{
					endpoint: e.id,
					reason: 'retention',
					events: r.discarded.entries,
					bytes: r.discarded.bytes,
					retentionMs: config.eventRetentionMs,
				},
			);
		}
		await stores.stats.prune(e.accountId, e.id);
	}
	for (const account of accounts) await stores.usage.prune(account);
}

/** Starts the pass every `intervalMs`; the timer does not keep the process alive. @returns a stop function. */
export function startHousekeeping(
	stores: HousekeepingStores,
	config: HousekeepingConfig,
	logger: Logger,
	counter?: DiscardCounter,
	intervalMs = MAINTENANCE_INTERVAL_MS,
): () => void {
	const timer = setInterval(() => {
		runHousekeeping(stores, config, logger, counter).catch((error: unknown) =>
			logger.warn('maintenance failed; retrying next round', { error: messageOf(error) }),
		);
	}, intervalMs);
	timer.unref();
	return () => clearInterval(timer);
}
