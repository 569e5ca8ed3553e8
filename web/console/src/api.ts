/**
 * The console's only way to the gateway: the admin API as mounted under /console/api/v1 and the
 * session routes under /console/session. The session cookie is scoped to /console (it never
 * reaches /hooks/, where it would be stored with events); the cookie is http-only, so this code never sees a credential; every
 * request carries the console's X-Requested-With header, which the gateway requires for changes
 * made with the cookie (CSRF defence).
 */
import type {
	Account,
	AccountDetail,
	DayUsage,
	DeadLetter,
	EndpointSubscribers,
	EndpointUsage,
	EndpointView,
	EndpointWithSecret,
	HourStats,
	ListedAuditEntry,
	Plan,
	RequestDetail,
	RequestPage,
	ScopedToken,
	SubscriberView,
	TestEventAnswer,
	WebhookEvent,
} from './types';

/** Filters of the request log (GET .../requests), as the API takes them. */
export interface RequestFilters {
	status?: string;
	code?: string;
	from?: string;
	q?: string;
	cursor?: string;
}

function queryOf(filters: object): string {
	const entries = Object.entries(filters).filter(([, v]) => typeof v === 'string' && v !== '') as [
		string,
		string,
	][];
	return entries.length === 0 ? '' : `?${new URLSearchParams(entries).toString()}`;
}

export class ApiError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
	) {
		super(message);
		this.name = 'ApiError';
	}
}

let onUnauthorized: () => void = () => undefined;

/** Called when an admin API call answers 401 (the session ended or the admin token changed). */
export function setUnauthorizedHandler(handler: () => void): void {
	onUnauthorized = handler;
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
	const headers: Record<string, string> = {
		Accept: 'application/json',
		'X-Requested-With': 'webhook-gateway-console',
	};
	if (body !== undefined) headers['Content-Type'] = 'application/json';
	const response = await fetch(path, {
		method,
		headers,
		credentials: 'same-origin',
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	let json: unknown;
	try {
		json = text === '' ? undefined : JSON.parse(text);
	} catch {
		json = undefined;
	}
	if (!response.ok) {
		const error = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
		// An API call refused for the session (expired, signed out elsewhere) shows the sign-in again.
		if (response.status === 401 && path.startsWith('/console/api/')) onUnauthorized();
		throw new ApiError(
			response.status,
			error?.code ?? 'http_error',
			error?.message ?? `The gateway answered ${response.status} ${response.statusText}`,
		);
	}
	return json as T;
}

const enc = encodeURIComponent;
const endpoint = (id: string) => `/console/api/v1/endpoints/${enc(id)}`;

export const api = {
	session: () => call<{ configured: boolean; signedIn: boolean }>('GET', '/console/session'),
	signIn: (token: string) =>
		call<{ signedIn: true; expiresAt: string }>('POST', '/console/session', { token }),
	signOut: () => call<void>('DELETE', '/console/session'),

	endpoints: () => call<EndpointView[]>('GET', '/console/api/v1/endpoints'),
	endpoint: (id: string) => call<EndpointView>('GET', endpoint(id)),
	usage: (id: string) => call<EndpointUsage>('GET', `${endpoint(id)}/usage`),
	usageHistory: (id: string, days = 35) =>
		call<{ endpointId: string; accountId: string; days: DayUsage[] }>(
			'GET',
			`${endpoint(id)}/usage/history?days=${days}`,
		),
	account: (accountId: string) =>
		call<AccountDetail>('GET', `/console/api/v1/accounts/${enc(accountId)}`),
	stats: (id: string, hours = 24) =>
		call<{ endpointId: string; hours: HourStats[] }>('GET', `${endpoint(id)}/stats?hours=${hours}`),
	events: (id: string, count = 10) =>
		call<WebhookEvent[]>('GET', `${endpoint(id)}/events?count=${count}`),
	deadLetters: (id: string) => call<DeadLetter[]>('GET', `${endpoint(id)}/dead-letters?count=100`),
	createEndpoint: (input: Record<string, unknown>) =>
		call<EndpointWithSecret>('POST', '/console/api/v1/endpoints', input),
	updateEndpoint: (id: string, patch: Record<string, unknown>) =>
		call<EndpointWithSecret>('PATCH', endpoint(id), patch),
	deleteEndpoint: (id: string, force = false) =>
		call<void>('DELETE', `${endpoint(id)}${force ? '?force=true' : ''}`),
	subscribers: (id: string) => call<EndpointSubscribers>('GET', `${endpoint(id)}/subscribers`),
	removeSubscriber: (id: string, subscriberId: string) =>
		call<void>('DELETE', `${endpoint(id)}/subscribers/${enc(subscriberId)}`),
	rewindSubscriber: (id: string, subscriberId: string, to: { eventId?: string; time?: string }) =>
		call<{ subscriber: SubscriberView; startsAfterId: string }>(
			'POST',
			`${endpoint(id)}/subscribers/${enc(subscriberId)}/rewind`,
			to,
		),
	rotateSecret: (id: string, graceSeconds: number) =>
		call<EndpointWithSecret & { secret?: string; previousValidUntil: string | null }>(
			'POST',
			`${endpoint(id)}/rotate-secret`,
			{ graceSeconds },
		),
	sendTestEvent: (id: string, body: unknown) =>
		call<TestEventAnswer>('POST', `${endpoint(id)}/test-event`, { body }),
	replayDeadLetters: (id: string, ids: string[]) =>
		call<{ replayed: string[]; skipped: string[] }>('POST', `${endpoint(id)}/dead-letters/replay`, {
			ids,
		}),

	requests: (id: string, filters: RequestFilters = {}) =>
		call<RequestPage>('GET', `${endpoint(id)}/requests${queryOf({ limit: '50', ...filters })}`),
	request: (id: string, requestId: string) =>
		call<RequestDetail>('GET', `${endpoint(id)}/requests/${enc(requestId)}`),

	plans: () => call<Plan[]>('GET', '/console/api/v1/plans'),
	setAccountPlan: (accountId: string, planId: string) =>
		call<Account>('PUT', `/console/api/v1/accounts/${enc(accountId)}/plan`, { planId }),

	tokens: () => call<ScopedToken[]>('GET', '/console/api/v1/tokens'),
	createToken: (input: { name: string; scopes: string[]; accountIds?: string[] }) =>
		call<{ token: string; tokenInfo: ScopedToken }>('POST', '/console/api/v1/tokens', input),
	revokeToken: (id: string) => call<void>('DELETE', `/console/api/v1/tokens/${enc(id)}`),
	/** A page of the audit log, newest first; `before` is the last id of the previous page. */
	audit: (query: {
		count: number;
		before?: string;
		actor?: string;
		action?: string;
		account?: string;
	}) => {
		const params = new URLSearchParams();
		for (const [name, value] of Object.entries(query))
			if (value !== undefined && value !== '') params.set(name, String(value));
		return call<ListedAuditEntry[]>('GET', `/console/api/v1/audit?${params.toString()}`);
	},
};

/** A message for any error, for the page. */
export function errorText(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}
