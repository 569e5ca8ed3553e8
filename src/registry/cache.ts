/**
 * In-process cache of endpoint records and account plans for the request path, so that an accept
 * costs one Redis round trip. Entries expire after `ttlMs` and are dropped at once when any
 * process publishes a registry change; concurrent misses share one Redis read.
 */
import type { Plan, EndpointRecord } from '../types';
import type { RegistryChange } from '../redis';

export interface CacheSources {
	loadEndpoint(id: string): Promise<EndpointRecord | undefined>;
	loadPlanOfAccount(accountId: string): Promise<Plan>;
}

interface Entry<T> {
	value: Promise<T>;
	expiresAt: number;
}

const MAX_ENTRIES = 10_000;

export class RegistryCache {
	private readonly endpoints = new Map<string, Entry<EndpointRecord | undefined>>();
	private readonly plans = new Map<string, Entry<Plan>>();

	constructor(
		private readonly sources: CacheSources,
		private readonly ttlMs: number,
		private readonly now: () => number = Date.now,
	) {}

	endpoint(id: string): Promise<EndpointRecord | undefined> {
		return this.get(this.endpoints, id, () => this.sources.loadEndpoint(id));
	}

	planOfAccount(accountId: string): Promise<Plan> {
		return this.get(this.plans, accountId, () => this.sources.loadPlanOfAccount(accountId));
	}

	private get<T>(map: Map<string, Entry<T>>, key: string, load: () => Promise<T>): Promise<T> {
		const hit = map.get(key);
		if (hit && hit.expiresAt > this.now()) return hit.value;
		if (map.size >= MAX_ENTRIES) map.clear();
		const value = load();
		const entry = { value, expiresAt: this.now() + this.ttlMs };
		map.set(key, entry);
		// A failed load (Redis down) must not stay cached.
		value.catch(() => {
			if (map.get(key) === entry) map.delete(key);
		});
		return value;
	}

	/** Drops what a change may have made stale. Plan and account changes affect every account's plan. */
	invalidate(change?: RegistryChange): void {
		if (!change) {
			this.endpoints.clear();
			this.plans.clear();
		} else if (change.kind === 'endpoint') {
			this.endpoints.delete(change.id);
		} else {
			this.plans.clear();
		}
	}
}
