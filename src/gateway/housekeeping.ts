/**
 * The gateway's periodic housekeeping pass: drops subscribers unseen for the retention period and
 * trims events by age and by acknowledgement. Idempotent, so several gateways may run it; a failed
 * round (Redis down) is simply retried on the next one.
 */
import type { GatewayConfig } from '../config';
import type { Logger } from '../logger';
import type { Stores } from '../redis';

/** How often a gateway runs the pass, ms. */
export const MAINTENANCE_INTERVAL_MS = 60_000;

/** One pass over every registered endpoint. */
export async function runHousekeeping(stores: Stores, config: Pick<GatewayConfig, 'subscriberRetentionMs' | 'eventRetentionMs'>, logger: Logger): Promise<void> {
	for (const e of await stores.registry.listEndpoints()) {
		const r = await stores.buffer.maintain({ id: e.id, accountId: e.accountId }, config.subscriberRetentionMs, config.eventRetentionMs);
		if (r.droppedSubscribers.length > 0) logger.info('dropped subscribers unseen for the retention period', { endpoint: e.id, subscribers: r.droppedSubscribers });
	}
}

/** Starts the pass every `intervalMs`; the timer does not keep the process alive. @returns a stop function. */
export function startHousekeeping(stores: Stores, config: Pick<GatewayConfig, 'subscriberRetentionMs' | 'eventRetentionMs'>, logger: Logger, intervalMs = MAINTENANCE_INTERVAL_MS): () => void {
	const timer = setInterval(() => {
		runHousekeeping(stores, config, logger).catch((error: unknown) => logger.warn('maintenance failed; retrying next round', { error: error instanceof Error ? error.message : String(error) }));
	}, intervalMs);
	timer.unref();
	return () => clearInterval(timer);
}
