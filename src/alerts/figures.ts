/**
 * Reads what the alert rules need from the stores, and only that: dead letters, buffer fill,
 * last accepted event, rejection counters per endpoint; today's usage per account; the Redis
 * server check (src/redis/serverCheck.ts decides). Rates per minute come from the difference to
 * the previous poll's reading, kept in Redis with the trigger's state.
 */
import type { BufferAdmin, Stores } from '../redis';
import type { ManagementService } from '../management/service';
import { DEFAULT_BUFFER_MAX_BYTES } from '../management/service';
import type { AccountFigures, AlertFigures, AlertRule, EndpointFigures } from './rules';
import { ratePerMinute, rejectedCount } from './rules';

export interface FigureSources {
	/** The stores it reads; of the buffer only its fill and dead-letter count. */
	stores: Pick<Stores, 'registry' | 'usage' | 'stats' | 'alertState' | 'checkServer'> & {
		buffer: Pick<BufferAdmin, 'depth' | 'storedBytes' | 'deadLetterCount'>;
	};
	management: ManagementService;
	/** Gateway defaults for endpoints without their own capacity. */
	defaultCapacity: number;
	defaultMaxBytes?: number;
	/** WEBHOOK_GATEWAY_ALLOW_EVICTION: an evicting Redis is then only a warning. */
	allowEviction: boolean;
}

/** A reading of an endpoint's rejection counters: hour index → rejected requests, taken at `atMs`. */
export interface RejectionSample {
	atMs: number;
	hours: Record<string, number>;
}

/**
 * Reads the figures for these rules.
 * @param triggerId whose previous readings give the rates; the new readings replace them
 *   (omit it for a one-off evaluation that must not disturb the trigger's state)
 */
export async function readFigures(
	src: FigureSources,
	rules: AlertRule[],
	triggerId?: string,
): Promise<AlertFigures> {
	const state = src.stores.alertState;
	const nowMs = await state.nowMs();
	const kinds = new Set(rules.map((r) => r.kind));
	const wanted = (kind: AlertRule['kind'], endpointId: string) =>
		rules.some(
			(r) =>
				r.kind === kind && (!('endpointId' in r) || !r.endpointId || r.endpointId === endpointId),
		);
	const endpointKinds = (['deadLetters', 'bufferFill', 'silence', 'rejections'] as const).filter(
		(k) => kinds.has(k),
	);
	const records =
		endpointKinds.length > 0 || kinds.has('dailyUsage')
			? await src.stores.registry.listEndpoints()
			: [];
	const previous =
		kinds.has('rejections') && triggerId
			? await state.samples<RejectionSample>(triggerId)
			: new Map<string, RejectionSample>();
	const samples = new Map<string, RejectionSample>();

	const endpoints: EndpointFigures[] = [];
	for (const record of records) {
		if (!endpointKinds.some((k) => wanted(k, record.id))) continue;
		const ref = { id: record.id, accountId: record.accountId };
		const [deadLetters, depth, bytes, last, stats] = await Promise.all([
			wanted('deadLetters', record.id) ? src.stores.buffer.deadLetterCount(ref) : 0,
			wanted('bufferFill', record.id) ? src.stores.buffer.depth(ref) : { length: 0 },
			wanted('bufferFill', record.id) ? src.stores.buffer.storedBytes(ref) : 0,
			wanted('silence', record.id) ? state.lastAcceptedMs(ref) : null,
			wanted('rejections', record.id) ? src.stores.stats.read(record.accountId, record.id, 2) : [],
		]);
		let rejectedPerMinute: number | null = null;
		if (stats.length > 0) {
			const hours = Object.fromEntries(
				stats.map((h) => [String(Date.parse(h.hour) / 3_600_000), rejectedCount(h.counts)]),
			);
			samples.set(record.id, { atMs: nowMs, hours });
			const before = previous.get(record.id);
			rejectedPerMinute = before ? ratePerMinute(before.hours, hours, nowMs - before.atMs) : null;
		}
		endpoints.push({
			endpointId: record.id,
			accountId: record.accountId,
			deadLetters,
			bufferEvents: depth.length,
			bufferCapacity: record.bufferCapacity ?? src.defaultCapacity,
			bufferBytes: bytes,
			bufferMaxBytes: record.bufferMaxBytes ?? src.defaultMaxBytes ?? DEFAULT_BUFFER_MAX_BYTES,
			lastAcceptedMs: last ?? Date.parse(record.createdAt),
			hasAccepted: last !== null,
			rejectedPerMinute,
		});
	}
	if (kinds.has('rejections') && triggerId) await state.saveSamples(triggerId, samples);

	const accounts: AccountFigures[] = [];
	if (kinds.has('dailyUsage')) {
		const ids = new Set([
			...records.map((r) => r.accountId),
			...(await src.stores.registry.listAccounts()).map((a) => a.id),
		]);
		for (const accountId of [...ids].sort()) {
			if (
				!rules.some((r) => r.kind === 'dailyUsage' && (!r.accountId || r.accountId === accountId))
			)
				continue;
			const [plan, today] = await Promise.all([
				src.management.planOfAccount(accountId),
				src.stores.usage.today(accountId, []),
			]);
			accounts.push({
				accountId,
				planId: plan.id,
				acceptedToday: today.accountAccepted,
				dailyLimit: plan.daily,
			});
		}
	}

	let redis: AlertFigures['redis'];
	if (kinds.has('redisCheck')) {
		const result = await src.stores.checkServer({ allowEviction: src.allowEviction });
		redis = { notReady: result.notReady, findings: result.findings };
	}
	return { nowMs, endpoints, accounts, redis };
}
