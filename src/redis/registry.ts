/**
 * Registry storage: endpoints, accounts and custom plans as JSON in three hashes under the
 * `{registry}` hash tag, plus a pub/sub channel that tells every gateway to drop cached records.
 * Validation and defaults live in src/registry; this file only reads and writes.
 */
import { EndpointSecretCodec } from '../security/secretBox';
import type { Account, EndpointRecord, Plan } from '../types';
import { endpointKeys, registryKeys, subscriberKeys, type RegistryKeys } from './keys';
import { duplicateForBlocking, type RedisConnectionOptions, type ScriptedRedis } from './client';
import { SCRIPT_CODES } from './scriptCodes';

/** Reads and swaps `updateEndpointIf` tries before it gives up on a record that keeps changing. */
const UPDATE_IF_ATTEMPTS = 5;

export type RegistryChange = { kind: 'endpoint' | 'account' | 'plan'; id: string };

function parseAll<T>(hash: Record<string, string>): T[] {
	return Object.values(hash).map((v) => JSON.parse(v) as T);
}

export class RedisRegistryStore {
	private readonly keys: RegistryKeys;

	/**
	 * @param secrets seals endpoint secrets on write and opens them on read (encryption at rest);
	 *   the default stores them as given.
	 */
	constructor(
		private readonly redis: ScriptedRedis,
		private readonly prefix: string,
		private readonly secrets: EndpointSecretCodec = new EndpointSecretCodec(undefined),
	) {
		this.keys = registryKeys(prefix);
	}

	/** The endpoint with its secrets in plaintext (opened here, once per read). */
	async getEndpoint(id: string): Promise<EndpointRecord | undefined> {
		const raw = await this.redis.hget(this.keys.endpoints, id);
		return raw ? this.secrets.open(JSON.parse(raw) as EndpointRecord) : undefined;
	}

	async listEndpoints(): Promise<EndpointRecord[]> {
		return parseAll<EndpointRecord>(await this.redis.hgetall(this.keys.endpoints)).map((r) =>
			this.secrets.open(r),
		);
	}

	/**
	 * Seals every endpoint's secrets with the current key (plaintext ones and those of previous
	 * keys). Each record is rewritten only if nobody changed it meanwhile (compare and set).
	 * @returns how many records were rewritten and how many were already sealed with the current key
	 */
	async resealEndpoints(): Promise<{ resealed: number; unchanged: number }> {
		const stored = await this.redis.hgetall(this.keys.endpoints);
		let resealed = 0;
		for (const [id, raw] of Object.entries(stored)) {
			const record = JSON.parse(raw) as EndpointRecord;
			if (!this.secrets.needsReseal(record)) continue;
			const next = JSON.stringify(this.secrets.seal(this.secrets.open(record)));
			const swapped = await this.redis.replaceField(this.keys.endpoints, id, raw, next);
			if (swapped === SCRIPT_CODES.replace.replaced) resealed++;
		}
		return { resealed, unchanged: Object.keys(stored).length - resealed };
	}

	/**
	 * Changes one endpoint only if nobody changed it meanwhile (compare and set on its stored JSON):
	 * `change` gets the record in plaintext and returns the new one, or undefined to leave it.
	 * When another writer changed the record between the read and the swap, `change` is asked again
	 * on the fresh record (up to UPDATE_IF_ATTEMPTS times), so an unrelated edit racing a handshake
	 * does not refuse it, while a second handshake sees the first one's result and declines.
	 * @returns the record as changed, or undefined when it is missing, `change` declined, or the
	 *   record kept changing under it
	 */
	async updateEndpointIf(
		id: string,
		change: (record: EndpointRecord) => EndpointRecord | undefined,
	): Promise<EndpointRecord | undefined> {
		for (let attempt = 0; attempt < UPDATE_IF_ATTEMPTS; attempt++) {
			const raw = await this.redis.hget(this.keys.endpoints, id);
			if (!raw) return undefined;
			const next = change(this.secrets.open(JSON.parse(raw) as EndpointRecord));
			if (!next) return undefined;
			const swapped = await this.redis.replaceField(
				this.keys.endpoints,
				id,
				raw,
				JSON.stringify(this.secrets.seal(next)),
			);
			if (swapped !== SCRIPT_CODES.replace.replaced) continue;
			await this.publish({ kind: 'endpoint', id });
			return next;
		}
		return undefined;
	}

	/** @returns false when the id is taken. */
	async createEndpoint(record: EndpointRecord): Promise<boolean> {
		const created = await this.redis.hsetnx(
			this.keys.endpoints,
			record.id,
			JSON.stringify(this.secrets.seal(record)),
		);
		if (created) await this.publish({ kind: 'endpoint', id: record.id });
		return created === 1;
	}

	async saveEndpoint(record: EndpointRecord): Promise<void> {
		await this.redis.hset(
			this.keys.endpoints,
			record.id,
			JSON.stringify(this.secrets.seal(record)),
		);
		await this.publish({ kind: 'endpoint', id: record.id });
	}

	/** Removes the record and everything buffered for it. @returns false when it did not exist. */
	async deleteEndpoint(record: EndpointRecord): Promise<boolean> {
		const removed = await this.redis.hdel(this.keys.endpoints, record.id);
		const ek = endpointKeys(this.prefix, record.accountId, record.id);
		const subs = await this.redis.hkeys(ek.subscribers);
		const subKeys = subs.flatMap((s) =>
			Object.values(subscriberKeys(this.prefix, record.accountId, record.id, s)),
		);
		await this.redis.del(
			ek.stream,
			ek.bytes,
			ek.subscribers,
			ek.droppedSubscribers,
			ek.deadLetters,
			ek.stats,
			ek.requests,
			ek.filtered,
			ek.endpointLimiter,
			...subKeys,
		);
		await this.publish({ kind: 'endpoint', id: record.id });
		return removed === 1;
	}

	async getPlan(id: string): Promise<Plan | undefined> {
		const raw = await this.redis.hget(this.keys.plans, id);
		return raw ? (JSON.parse(raw) as Plan) : undefined;
	}

	async listPlans(): Promise<Plan[]> {
		return parseAll<Plan>(await this.redis.hgetall(this.keys.plans));
	}

	async savePlan(plan: Plan): Promise<void> {
		await this.redis.hset(this.keys.plans, plan.id, JSON.stringify(plan));
		await this.publish({ kind: 'plan', id: plan.id });
	}

	async deletePlan(id: string): Promise<boolean> {
		const removed = await this.redis.hdel(this.keys.plans, id);
		await this.publish({ kind: 'plan', id });
		return removed === 1;
	}

	async getAccount(id: string): Promise<Account | undefined> {
		const raw = await this.redis.hget(this.keys.accounts, id);
		return raw ? (JSON.parse(raw) as Account) : undefined;
	}

	async listAccounts(): Promise<Account[]> {
		return parseAll<Account>(await this.redis.hgetall(this.keys.accounts));
	}

	/** Creates the account only if it does not exist yet. @returns the stored account. */
	async ensureAccount(account: Account): Promise<Account> {
		const created = await this.redis.hsetnx(
			this.keys.accounts,
			account.id,
			JSON.stringify(account),
		);
		if (created === 1) {
			await this.publish({ kind: 'account', id: account.id });
			return account;
		}
		return (await this.getAccount(account.id)) ?? account;
	}

	async saveAccount(account: Account): Promise<void> {
		await this.redis.hset(this.keys.accounts, account.id, JSON.stringify(account));
		await this.publish({ kind: 'account', id: account.id });
	}

	private async publish(change: RegistryChange): Promise<void> {
		await this.redis.publish(this.keys.changes, JSON.stringify(change));
	}

	/**
	 * Calls `onChange` for every registry change published by any process (and `onReconnect`
	 * after a lost subscription, when changes may have been missed). Uses its own connection.
	 */
	subscribe(
		connection: RedisConnectionOptions,
		onChange: (change: RegistryChange) => void,
		onReconnect: () => void,
	): { close(): Promise<void> } {
		const sub = duplicateForBlocking({ ...connection, name: 'wgw-registry-sub' });
		const channel = this.keys.changes;
		sub.on('ready', () => {
			onReconnect();
			void sub.subscribe(channel).catch(() => undefined);
		});
		sub.on('message', (ch: string, message: string) => {
			if (ch !== channel) return;
			try {
				onChange(JSON.parse(message) as RegistryChange);
			} catch {
				onReconnect();
			}
		});
		return {
			async close() {
				sub.disconnect();
			},
		};
	}
}
