/**
 * The one implementation of every management operation (docs/admin-api.md): the admin HTTP API, the
 * CLI and the Webhook Endpoint node all call this class. Secrets leave it only in the answers to
 * create and rotate.
 */
import { activeSecrets, expireSecrets, generateSecret, rotateSecrets, signRequest } from '../auth';
import { ConflictError, messageOf, NotFoundError, ValidationError } from '../errors';
import { toWebhookEvent } from '../parsing/webhookEvent';
import type { BufferAdmin, Stores } from '../redis';
import { USAGE_RETENTION_DAYS, type DayUsage } from '../redis/usage';
import { builtInPlan, BUILT_IN_PLANS, validatePlan } from '../registry/plans';
import { mergeEndpointLimits, validateEndpointLimits } from '../registry/endpointLimits';
import {
	randomEndpointId,
	validateAccountId,
	validateAuth,
	validateCapacity,
	validateDedupe,
	validateEndpointId,
	validateHandshake,
	validateIpAllowlist,
	validateMaxBytes,
	validateMethods,
} from '../registry/endpoints';
import { validateAcceptResponse } from '../registry/acceptResponse';
import type { Account, EndpointRecord, EndpointView, Plan, WebhookEvent } from '../types';
import {
	listRequests,
	requestDetail,
	type RequestDetail,
	type RequestQueryText,
} from './requestLog';
import type { RequestPage } from '../redis';
import {
	SubscriberOperations,
	type EndpointSubscribers,
	type RewindInput,
	type SubscriberView,
} from './subscribers';
import type {
	AccountDetail,
	AccountEndpointUsage,
	DeadLetter,
	EndpointInput,
	EndpointUsage,
	HourStats,
} from './schemas';

export interface ManagementOptions {
	publicUrl: string;
	defaultPlan: string;
	defaultBufferCapacity: number;
	/** Default byte capacity of an endpoint's buffer (WEBHOOK_GATEWAY_BUFFER_MAX_BYTES; default 256 MiB). */
	defaultBufferMaxBytes?: number;
	/** Told about events removed before every subscriber acknowledged them (endpoint deletion), to log and count. */
	onDiscarded?: (discard: {
		endpointId: string;
		reason: 'endpoint_deleted';
		events: number;
		bytes: number;
	}) => void;
}

/** Default byte capacity when the options give none (same as the configuration's default). */
export const DEFAULT_BUFFER_MAX_BYTES = 256 * 1024 * 1024;

export type { AccountEndpointUsage, EndpointInput, EndpointUsage };

/** Days of usage history asked for: a whole number from 1 to USAGE_RETENTION_DAYS. */
function historyDays(days: unknown): number {
	const n = Number(days);
	if (!Number.isInteger(n) || n < 1 || n > USAGE_RETENTION_DAYS)
		throw new ValidationError(
			`days must be a whole number from 1 to ${USAGE_RETENTION_DAYS} (got ${JSON.stringify(days)})`,
		);
	return n;
}

function checkSecret(secret: unknown): string | undefined {
	if (secret === undefined || secret === null || secret === '') return undefined;
	if (typeof secret !== 'string' || secret.length < 8 || secret.length > 512)
		throw new ValidationError('secret must be a string of 8 to 512 characters');
	return secret;
}

/** Booleans from untyped callers (node parameters, query strings): true/false or 'true'/'false'. */
function toBoolean(value: unknown, field: string): boolean {
	if (typeof value === 'boolean') return value;
	if (value === 'true' || value === 'false') return value === 'true';
	throw new ValidationError(`${field} must be true or false (got ${JSON.stringify(value)})`);
}

const STREAM_ID_RE = /^\d{1,20}-\d{1,20}$/;

function checkIds(ids: unknown): string[] {
	if (!Array.isArray(ids))
		throw new ValidationError('ids must be a list of dead-letter ids such as 1732280000000-0');
	for (const id of ids) {
		if (typeof id !== 'string' || !STREAM_ID_RE.test(id))
			throw new ValidationError(
				`'${String(id)}' is not a dead-letter id (expected something like 1732280000000-0)`,
			);
	}
	return ids as string[];
}

function clampCount(count: unknown, max: number): number {
	const n = Math.floor(Number(count));
	return Number.isFinite(n) ? Math.min(Math.max(1, n), max) : Math.min(10, max);
}

function needsSecret(auth: EndpointRecord['auth']): boolean {
	return auth.type !== 'none';
}

/** Whether the secret arrives in the provider's handshake (Asana) rather than from us or the user. */
function secretFromHandshake(auth: EndpointRecord['auth']): boolean {
	return auth.type === 'hmac' && auth.preset === 'asana';
}

/**
 * The stores the management service uses: the buffer only through its admin port (reads, dead
 * letters, replay), never the delivery or lifecycle side.
 */
export type ManagementStores = Pick<
	Stores,
	'registry' | 'usage' | 'stats' | 'subscribers' | 'requestLog'
> & { buffer: BufferAdmin };

export class ManagementService {
	private readonly subscriberOps: SubscriberOperations;

	constructor(
		private readonly stores: ManagementStores,
		private readonly options: ManagementOptions,
	) {
		this.subscriberOps = new SubscriberOperations(stores);
	}

	endpointUrl(id: string): string {
		return `${this.options.publicUrl}/hooks/${id}`;
	}

	toView(record: EndpointRecord): EndpointView {
		const { secrets, ...rest } = record;
		return {
			...rest,
			bufferMaxBytes: rest.bufferMaxBytes ?? null,
			limits: rest.limits ?? null,
			acceptResponse: rest.acceptResponse ?? null,
			secretCount: secrets.length,
			url: this.endpointUrl(record.id),
		};
	}

	private async record(id: string): Promise<EndpointRecord> {
		const record = await this.stores.registry.getEndpoint(id);
		if (!record) throw new NotFoundError('endpoint', id);
		return record;
	}

	/**
	 * Without `auth` the endpoint gets a generated header token (`Authorization: Bearer <secret>`):
	 * an endpoint without authentication only when the caller asks for `{type: 'none'}`.
	 * @returns the new endpoint and its secret (shown this once).
	 */
	async createEndpoint(
		input: EndpointInput,
		createdBy: string,
	): Promise<{ endpoint: EndpointView; secret?: string }> {
		const id =
			input.id === undefined || input.id === '' ? randomEndpointId() : validateEndpointId(input.id);
		const accountId = validateAccountId(input.accountId ?? 'default');
		const auth = validateAuth(input.auth ?? { type: 'header' });
		const given = checkSecret(input.secret);
		// An Asana endpoint without a given secret waits for the one Asana's handshake brings.
		const awaiting = given === undefined && secretFromHandshake(auth);
		const secret = needsSecret(auth) && !awaiting ? (given ?? generateSecret(auth)) : undefined;
		const now = new Date().toISOString();
		const record: EndpointRecord = {
			id,
			name: String(input.name ?? id).slice(0, 200),
			description: String(input.description ?? '').slice(0, 2000),
			accountId,
			auth,
			secrets: secret ? [{ value: secret, createdAt: now }] : [],
			ipAllowlist: validateIpAllowlist(input.ipAllowlist ?? []),
			dedupe: validateDedupe(input.dedupe, auth),
			handshake: validateHandshake(input.handshake),
			methods: validateMethods(input.methods),
			enabled: input.enabled === undefined ? true : toBoolean(input.enabled, 'enabled'),
			bufferCapacity: validateCapacity(input.bufferCapacity),
			bufferMaxBytes: validateMaxBytes(input.bufferMaxBytes),
			limits: validateEndpointLimits(input.limits, await this.planOfAccount(accountId)),
			acceptResponse: validateAcceptResponse(input.acceptResponse),
			...(awaiting ? { awaitingHandshakeSecret: true } : {}),
			createdAt: now,
			createdBy: String(createdBy).slice(0, 200),
			updatedAt: now,
		};
		await this.ensureAccount(accountId);
		if (!(await this.stores.registry.createEndpoint(record)))
			throw new ConflictError(`endpoint '${id}' already exists`);
		return { endpoint: this.toView(record), secret };
	}

	async getEndpoint(id: string): Promise<EndpointView> {
		return this.toView(await this.record(id));
	}

	async listEndpoints(
		filter: { accountId?: string; search?: string } = {},
	): Promise<EndpointView[]> {
		const q = filter.search?.toLowerCase();
		return (await this.stores.registry.listEndpoints())
			.filter((e) => !filter.accountId || e.accountId === filter.accountId)
			.filter((e) => !q || e.id.includes(q) || e.name.toLowerCase().includes(q))
			.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))
			.map((e) => this.toView(e));
	}

	/**
	 * Changes an endpoint. The account cannot change (its buffer lives in the account's slot).
	 * Switching to an auth that needs a secret when there is none generates one and returns it.
	 */
	async updateEndpoint(
		id: string,
		patch: EndpointInput,
	): Promise<{ endpoint: EndpointView; secret?: string }> {
		const record = await this.record(id);
		if (patch.accountId !== undefined && patch.accountId !== record.accountId) {
			throw new ValidationError(
				"an endpoint's account cannot change (its buffer and limits live with the account); create a new endpoint instead",
			);
		}
		const next: EndpointRecord = { ...record };
		if (patch.name !== undefined) next.name = String(patch.name).slice(0, 200);
		if (patch.description !== undefined)
			next.description = String(patch.description).slice(0, 2000);
		if (patch.auth !== undefined) {
			next.auth = validateAuth(patch.auth);
			if (patch.dedupe === undefined && record.auth.type !== next.auth.type)
				next.dedupe = validateDedupe(undefined, next.auth);
		}
		if (patch.ipAllowlist !== undefined) next.ipAllowlist = validateIpAllowlist(patch.ipAllowlist);
		if (patch.dedupe !== undefined) next.dedupe = validateDedupe(patch.dedupe, next.auth);
		if (patch.handshake !== undefined) next.handshake = validateHandshake(patch.handshake);
		if (patch.methods !== undefined) next.methods = validateMethods(patch.methods);
		if (patch.enabled !== undefined) next.enabled = toBoolean(patch.enabled, 'enabled');
		if (patch.bufferCapacity !== undefined)
			next.bufferCapacity = validateCapacity(patch.bufferCapacity);
		if (patch.bufferMaxBytes !== undefined)
			next.bufferMaxBytes = validateMaxBytes(patch.bufferMaxBytes);
		if (patch.limits !== undefined)
			next.limits = validateEndpointLimits(
				mergeEndpointLimits(record.limits, patch.limits),
				await this.planOfAccount(record.accountId),
			);
		if (patch.acceptResponse !== undefined)
			next.acceptResponse = validateAcceptResponse(patch.acceptResponse);
		let secret: string | undefined;
		const given = checkSecret(patch.secret);
		if (given) {
			next.secrets = [{ value: given, createdAt: new Date().toISOString() }];
			secret = given;
			delete next.awaitingHandshakeSecret;
		} else if (secretFromHandshake(next.auth) && next.secrets.length === 0) {
			next.awaitingHandshakeSecret = true;
		} else if (needsSecret(next.auth) && next.secrets.length === 0) {
			secret = generateSecret(next.auth);
			next.secrets = [{ value: secret, createdAt: new Date().toISOString() }];
		}
		if (!secretFromHandshake(next.auth)) delete next.awaitingHandshakeSecret;
		next.updatedAt = new Date().toISOString();
		await this.stores.registry.saveEndpoint(next);
		return { endpoint: this.toView(next), secret };
	}

	/**
	 * Encrypts every endpoint's secrets with the current encryption key (plaintext ones and those of
	 * previous keys); records changed meanwhile by someone else are left for the next run.
	 */
	async resealSecrets(): Promise<{ resealed: number; unchanged: number }> {
		return await this.stores.registry.resealEndpoints();
	}

	/**
	 * Deletes the endpoint and everything buffered for it (what was buffered is reported to
	 * `onDiscarded`). Refused (409, naming them) while it has subscribers unless `force`: forced,
	 * their triggers stop with an error n8n shows.
	 */
	async deleteEndpoint(id: string, options: { force?: unknown } = {}): Promise<void> {
		const record = await this.record(id);
		const force = options.force === undefined ? false : toBoolean(options.force, 'force');
		const ref = { id: record.id, accountId: record.accountId };
		await this.subscriberOps.assertDeletable(ref, force);
		const [depth, bytes] = await Promise.all([
			this.stores.buffer.depth(ref),
			this.stores.buffer.storedBytes(ref),
		]);
		await this.stores.registry.deleteEndpoint(record);
		if (depth.length > 0)
			this.options.onDiscarded?.({
				endpointId: record.id,
				reason: 'endpoint_deleted',
				events: depth.length,
				bytes,
			});
	}

	/**
	 * New secret (given or generated); the previous one keeps working for `graceSeconds`
	 * (default 86400, 0 = at once). @returns the new secret, shown this once. An Asana endpoint
	 * without a given secret is re-armed instead: it accepts one new `X-Hook-Secret` handshake
	 * (docs/providers/asana.md), so no secret is returned and `endpoint.awaitingHandshakeSecret` is true.
	 */
	async rotateSecret(
		id: string,
		options: { secret?: string; graceSeconds?: number } = {},
	): Promise<{ endpoint: EndpointView; secret?: string; previousValidUntil: string | null }> {
		const record = await this.record(id);
		if (!needsSecret(record.auth))
			throw new ValidationError(
				`endpoint '${id}' uses no authentication; there is no secret to rotate`,
			);
		const grace = options.graceSeconds ?? 86_400;
		if (!Number.isInteger(grace) || grace < 0 || grace > 30 * 86_400)
			throw new ValidationError('graceSeconds must be a whole number from 0 to 2592000');
		const given = checkSecret(options.secret);
		const now = Date.now();
		if (given === undefined && secretFromHandshake(record.auth)) {
			record.secrets = expireSecrets(record.secrets, now, grace);
			record.awaitingHandshakeSecret = true;
			record.updatedAt = new Date(now).toISOString();
			await this.stores.registry.saveEndpoint(record);
			return {
				endpoint: this.toView(record),
				previousValidUntil:
					grace > 0 && record.secrets.length > 0
						? new Date(now + grace * 1000).toISOString()
						: null,
			};
		}
		const secret = given ?? generateSecret(record.auth);
		record.secrets = rotateSecrets(record.secrets, secret, now, grace);
		delete record.awaitingHandshakeSecret;
		record.updatedAt = new Date(now).toISOString();
		await this.stores.registry.saveEndpoint(record);
		return {
			endpoint: this.toView(record),
			secret,
			previousValidUntil:
				grace > 0 && record.secrets.length > 1 ? new Date(now + grace * 1000).toISOString() : null,
		};
	}

	/**
	 * INTERNAL — never return this from an API, never log it. The headers that authenticate
	 * `rawBody` for endpoint `id` with its current secret (the console's "send a test event"):
	 * they hold the secret itself (header, basic) or a signature made with it, so they may only
	 * be sent to this gateway's own ingest path. `{}` for an endpoint without authentication.
	 * @param nowMs ms since the epoch (timestamp schemes sign this time)
	 */
	async testEventHeaders(
		id: string,
		rawBody: Buffer,
		nowMs = Date.now(),
	): Promise<Record<string, string>> {
		const record = await this.record(id);
		if (!needsSecret(record.auth)) return {};
		const secret = activeSecrets(record.secrets, nowMs)[0];
		if (secret === undefined)
			throw new ValidationError(`endpoint '${id}' has no valid secret; rotate its secret first`);
		try {
			return signRequest(record.auth, secret, rawBody, nowMs);
		} catch (error) {
			throw new ValidationError(
				`cannot sign a test event for endpoint '${id}': ${messageOf(error)}`,
			);
		}
	}

	async endpointUsage(id: string): Promise<EndpointUsage> {
		const record = await this.record(id);
		const plan = await this.planOfAccount(record.accountId);
		const ref = { id: record.id, accountId: record.accountId };
		const [today, depth, subs, dead, bytes] = await Promise.all([
			this.stores.usage.today(record.accountId, [record.id]),
			this.stores.buffer.depth(ref),
			this.stores.subscribers.list(ref),
			this.stores.buffer.deadLetterCount(ref),
			this.stores.buffer.storedBytes(ref),
		]);
		return {
			endpointId: record.id,
			accountId: record.accountId,
			plan,
			acceptedToday: today.endpoints[record.id] ?? 0,
			accountAcceptedToday: today.accountAccepted,
			dailyLimit: plan.daily,
			dailyRemaining: plan.daily === null ? null : Math.max(0, plan.daily - today.accountAccepted),
			endpointLimits: record.limits ?? null,
			endpointDailyRemaining: record.limits?.daily
				? Math.max(0, record.limits.daily - (today.endpoints[record.id] ?? 0))
				: null,
			resetsInSeconds: today.secondsToReset,
			buffer: {
				length: depth.length,
				capacity: record.bufferCapacity ?? this.options.defaultBufferCapacity,
				bytes,
				maxBytes:
					record.bufferMaxBytes ?? this.options.defaultBufferMaxBytes ?? DEFAULT_BUFFER_MAX_BYTES,
				oldestReceivedAt:
					depth.oldestReceivedAtMs === null
						? null
						: new Date(depth.oldestReceivedAtMs).toISOString(),
			},
			subscribers: subs.map((s) => ({
				id: s.id,
				waiting: s.waiting,
				pending: s.pending,
				lastSeen: new Date(s.lastSeenMs).toISOString(),
			})),
			deadLetters: dead,
			deadLetterMax: this.stores.buffer.deadLetterCap,
		};
	}

	/** Requests per hour for the last `hours` hours (max 48): accepted, duplicates, rejections by reason. */
	async endpointStats(id: string, hours = 24): Promise<{ endpointId: string; hours: HourStats[] }> {
		const record = await this.record(id);
		const n = Math.min(48, Math.max(1, Math.floor(Number(hours)) || 24));
		return {
			endpointId: record.id,
			hours: await this.stores.stats.read(record.accountId, record.id, n),
		};
	}

	// ---- request log (docs/request-log.md) ----

	/** A page of the endpoint's request log, newest first, filtered. */
	async listRequests(endpointId: string, query: RequestQueryText = {}): Promise<RequestPage> {
		const record = await this.record(endpointId);
		return await listRequests(this.stores, { id: record.id, accountId: record.accountId }, query);
	}

	/** One logged request; for an accepted one, where its event stands per subscriber. */
	async getRequest(endpointId: string, requestId: string): Promise<RequestDetail> {
		const record = await this.record(endpointId);
		const detail = await requestDetail(
			this.stores,
			{ id: record.id, accountId: record.accountId },
			requestId,
		);
		if (!detail) throw new NotFoundError('request', requestId);
		return detail;
	}

	/** Requests to ids that name no endpoint (404), from the shared capped log. */
	async listUnknownRequests(query: RequestQueryText = {}): Promise<RequestPage> {
		return await listRequests(this.stores, 'unknown', query);
	}

	// ---- subscribers ----

	/** The endpoint's subscribers with their lag, and the dropped ones not back yet. */
	async listSubscribers(endpointId: string): Promise<EndpointSubscribers> {
		const record = await this.record(endpointId);
		return await this.subscriberOps.list({ id: record.id, accountId: record.accountId });
	}

	/** Removes one subscriber (its cursor and retries; its dead letters stay). */
	async removeSubscriber(endpointId: string, subscriberId: string): Promise<void> {
		const record = await this.record(endpointId);
		await this.subscriberOps.remove({ id: record.id, accountId: record.accountId }, subscriberId);
	}

	/** Moves a subscriber's cursor to an event id or a time within what the endpoint still holds. */
	async rewindSubscriber(
		endpointId: string,
		subscriberId: string,
		input: RewindInput,
	): Promise<{ subscriber: SubscriberView; startsAfterId: string }> {
		const record = await this.record(endpointId);
		return await this.subscriberOps.rewind(
			{ id: record.id, accountId: record.accountId },
			subscriberId,
			input,
		);
	}

	// ---- plans ----

	async listPlans(): Promise<Plan[]> {
		const custom = (await this.stores.registry.listPlans())
			.filter((p) => !builtInPlan(p.id))
			.sort((a, b) => a.id.localeCompare(b.id));
		return [...BUILT_IN_PLANS, ...custom];
	}

	async getPlan(id: string): Promise<Plan> {
		const plan = builtInPlan(id) ?? (await this.stores.registry.getPlan(id));
		if (!plan) throw new NotFoundError('plan', id);
		return plan;
	}

	async upsertPlan(input: Record<string, unknown>): Promise<Plan> {
		const plan = validatePlan(input);
		await this.stores.registry.savePlan(plan);
		return plan;
	}

	async deletePlan(id: string): Promise<void> {
		if (builtInPlan(id))
			throw new ValidationError(`'${id}' is a built-in plan and cannot be deleted`);
		await this.getPlan(id);
		const users = (await this.stores.registry.listAccounts())
			.filter((a) => a.planId === id)
			.map((a) => a.id);
		if (users.length > 0)
			throw new ConflictError(
				`plan '${id}' is used by account(s) ${users.join(', ')}; move them to another plan first`,
			);
		await this.stores.registry.deletePlan(id);
	}

	// ---- accounts ----

	private async ensureAccount(id: string): Promise<Account> {
		return await this.stores.registry.ensureAccount({
			id,
			planId: this.options.defaultPlan,
			createdAt: new Date().toISOString(),
		});
	}

	/** The plan that applies to an account (the default plan for an account never seen). */
	async planOfAccount(accountId: string): Promise<Plan> {
		const account = await this.stores.registry.getAccount(accountId);
		const planId = account?.planId ?? this.options.defaultPlan;
		return (
			builtInPlan(planId) ??
			(await this.stores.registry.getPlan(planId)) ??
			(builtInPlan(this.options.defaultPlan) as Plan)
		);
	}

	/** An account with its plan and today's usage, the account's and each endpoint's side by side. */
	async getAccount(id: string): Promise<AccountDetail> {
		validateAccountId(id);
		const account = await this.stores.registry.getAccount(id);
		if (!account) throw new NotFoundError('account', id);
		const plan = await this.planOfAccount(id);
		const records = (await this.stores.registry.listEndpoints())
			.filter((e) => e.accountId === id)
			.sort((a, b) => a.id.localeCompare(b.id));
		const today = await this.stores.usage.today(
			id,
			records.map((e) => e.id),
		);
		return {
			...account,
			plan,
			acceptedToday: today.accountAccepted,
			dailyRemaining: plan.daily === null ? null : Math.max(0, plan.daily - today.accountAccepted),
			endpoints: records.map((e) => e.id),
			endpointUsage: records.map((e) => {
				const accepted = today.endpoints[e.id] ?? 0;
				return {
					endpointId: e.id,
					acceptedToday: accepted,
					limits: e.limits ?? null,
					dailyRemaining: e.limits?.daily ? Math.max(0, e.limits.daily - accepted) : null,
				};
			}),
		};
	}

	/**
	 * Daily accepted / rejected / duplicate requests of the account and each of its endpoints for
	 * the last `days` UTC days (1-36, today included), oldest first.
	 */
	async accountUsageHistory(
		id: string,
		days = 35,
	): Promise<{
		accountId: string;
		days: DayUsage[];
		endpoints: { endpointId: string; days: DayUsage[] }[];
	}> {
		validateAccountId(id);
		if (!(await this.stores.registry.getAccount(id))) throw new NotFoundError('account', id);
		const ids = (await this.stores.registry.listEndpoints())
			.filter((e) => e.accountId === id)
			.map((e) => e.id)
			.sort();
		const history = await this.stores.usage.history(id, ids, historyDays(days));
		return {
			accountId: id,
			days: history.account,
			endpoints: ids.map((endpointId) => ({ endpointId, days: history.endpoints[endpointId] })),
		};
	}

	/** Daily requests of one endpoint for the last `days` UTC days (1-36), oldest first. */
	async endpointUsageHistory(
		id: string,
		days = 35,
	): Promise<{ endpointId: string; accountId: string; days: DayUsage[] }> {
		const record = await this.record(id);
		const history = await this.stores.usage.history(
			record.accountId,
			[record.id],
			historyDays(days),
		);
		return {
			endpointId: record.id,
			accountId: record.accountId,
			days: history.endpoints[record.id],
		};
	}

	async listAccounts(): Promise<Account[]> {
		return (await this.stores.registry.listAccounts()).sort((a, b) => a.id.localeCompare(b.id));
	}

	/** Sets an account's plan, creating the account when it does not exist. */
	async setAccountPlan(id: string, planId: string): Promise<Account> {
		validateAccountId(id);
		await this.getPlan(planId);
		const existing = await this.stores.registry.getAccount(id);
		const account: Account = {
			id,
			planId,
			createdAt: existing?.createdAt ?? new Date().toISOString(),
		};
		await this.stores.registry.saveAccount(account);
		return account;
	}

	// ---- events ----

	/** Newest buffered events of an endpoint, as workflows receive them; consumes nothing. */
	async peekEvents(endpointId: string, count = 10): Promise<WebhookEvent[]> {
		const record = await this.record(endpointId);
		const entries = await this.stores.buffer.peek(
			{ id: record.id, accountId: record.accountId },
			clampCount(count, 1000),
		);
		return await Promise.all(entries.map((e) => toWebhookEvent(e, record)));
	}

	async listDeadLetters(endpointId: string, count = 100): Promise<DeadLetter[]> {
		const record = await this.record(endpointId);
		const letters = await this.stores.buffer.deadLetters(
			{ id: record.id, accountId: record.accountId },
			clampCount(count, 10_000),
		);
		return await Promise.all(
			letters.map(async (l) => ({
				id: l.id,
				subscriberId: l.subscriberId,
				attempts: l.attempts,
				error: l.error,
				deadAt: new Date(l.deadAtMs).toISOString(),
				event: await toWebhookEvent(l.entry, record),
			})),
		);
	}

	/** Sends dead letters back to their subscriber (all of the endpoint's when `ids` is empty). */
	async replayDeadLetters(
		endpointId: string,
		ids: string[] = [],
	): Promise<{ replayed: string[]; skipped: string[] }> {
		const record = await this.record(endpointId);
		return await this.stores.buffer.replay(
			{ id: record.id, accountId: record.accountId },
			checkIds(ids),
		);
	}

	async deleteDeadLetters(endpointId: string, ids: string[]): Promise<{ deleted: number }> {
		const record = await this.record(endpointId);
		return {
			deleted: await this.stores.buffer.deleteDeadLetters(
				{ id: record.id, accountId: record.accountId },
				checkIds(ids),
			),
		};
	}
}
