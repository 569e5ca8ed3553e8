/**
 * Takes one reading of the endpoint buffers for the /metrics gauges: per registered endpoint its
 * depth, the age of its oldest event, dead letters, stored bytes and what each subscriber has
 * waiting. GatewayMetrics (metrics.ts) decides how often a reading is taken; app.ts only wires the
 * two together.
 */
import type { Stores } from '../redis';
import type { BufferSample } from './metrics';

/**
 * Most endpoints one reading covers: a reading costs four Redis reads per endpoint, and a scrape
 * must stay bounded however many endpoints are registered.
 */
export const MAX_SAMPLED_ENDPOINTS = 1000;

/** The stores a reading uses. */
export type SampledStores = Pick<Stores, 'registry' | 'buffer' | 'subscribers'>;

/**
 * @param now the clock the oldest event's age is measured against (ms since the epoch)
 * @returns a function that reads the buffers of the first MAX_SAMPLED_ENDPOINTS endpoints
 */
export function bufferSampler(
	stores: SampledStores,
	now: () => number = Date.now,
): () => Promise<BufferSample[]> {
	return async () => {
		const endpoints = (await stores.registry.listEndpoints()).slice(0, MAX_SAMPLED_ENDPOINTS);
		const at = now();
		return await Promise.all(
			endpoints.map(async (e) => {
				const ref = { id: e.id, accountId: e.accountId };
				const [depth, dead, subscribers, bytes] = await Promise.all([
					stores.buffer.depth(ref),
					stores.buffer.deadLetterCount(ref),
					stores.subscribers.list(ref),
					stores.buffer.storedBytes(ref),
				]);
				return {
					endpoint: e.id,
					length: depth.length,
					oldestAgeSeconds:
						depth.oldestReceivedAtMs === null
							? 0
							: Math.max(0, (at - depth.oldestReceivedAtMs) / 1000),
					deadLetters: dead,
					bytes,
					subscribers: subscribers.map((s) => ({ id: s.id, waiting: s.waiting })),
				};
			}),
		);
	};
}
