/**
 * Management changes made without the admin API (the Webhook Endpoint node on direct Redis)
 * written to the audit log like the API's own entries (docs/admin-api.md#audit-log): the same
 * action text (`METHOD /api/v1/...` of the route that makes the same change), the account and
 * endpoint concerned, and who made it. Reads pass through unrecorded; bodies, and so secrets, are
 * never recorded.
 */
import type { Logger } from '../logger';
import type { AuditEntry } from '../redis';
import type { ManagementService } from './service';

/** Where entries go (src/redis/audit.ts). */
export interface AuditAppender {
	append(entry: AuditEntry): Promise<void>;
}

type Method = keyof ManagementService;
/** What a recorded change says, from the call's arguments and answer. */
type Describe = (
	args: unknown[],
	answer: unknown,
) => { action: string; endpointId?: string; accountId?: string };

const enc = (value: unknown) => encodeURIComponent(String(value));
const endpointPath = (args: unknown[]) => `/api/v1/endpoints/${enc(args[0])}`;

/** The changes that are recorded, keyed by ManagementService method. */
const CHANGES: Partial<Record<Method, Describe>> = {
	createEndpoint: (_args, answer) => {
		const endpoint = (answer as { endpoint: { id: string; accountId: string } }).endpoint;
		return {
			action: `POST /api/v1/endpoints/${enc(endpoint.id)}`,
			endpointId: endpoint.id,
			accountId: endpoint.accountId,
		};
	},
	updateEndpoint: (args) => ({ action: `PATCH ${endpointPath(args)}` }),
	deleteEndpoint: (args) => ({
		action: `DELETE ${endpointPath(args)}${(args[1] as { force?: unknown } | undefined)?.force === true ? '?force=true' : ''}`,
	}),
	rotateSecret: (args) => ({ action: `POST ${endpointPath(args)}/rotate-secret` }),
	replayDeadLetters: (args) => ({ action: `POST ${endpointPath(args)}/dead-letters/replay` }),
	deleteDeadLetters: (args) => ({ action: `DELETE ${endpointPath(args)}/dead-letters` }),
	removeSubscriber: (args) => ({
		action: `DELETE ${endpointPath(args)}/subscribers/${enc(args[1])}`,
	}),
	rewindSubscriber: (args) => ({
		action: `POST ${endpointPath(args)}/subscribers/${enc(args[1])}/rewind`,
	}),
	upsertPlan: (args) => ({ action: `PUT /api/v1/plans/${enc((args[0] as { id?: unknown }).id)}` }),
	deletePlan: (args) => ({ action: `DELETE /api/v1/plans/${enc(args[0])}` }),
	setAccountPlan: (args) => ({
		action: `PUT /api/v1/accounts/${enc(args[0])}/plan`,
		accountId: String(args[0]),
	}),
};

/** Methods whose first argument is an existing endpoint's id (its account is looked up first). */
const ON_ENDPOINT = new Set<Method>([
	'updateEndpoint',
	'deleteEndpoint',
	'rotateSecret',
	'replayDeadLetters',
	'deleteDeadLetters',
	'removeSubscriber',
	'rewindSubscriber',
]);

/**
 * `service` with every successful change appended to `audit` as made by `who` (e.g.
 * `n8n: workflow "Onboarding" (wf-1), node "Create Endpoint"`), with status 0 (not an HTTP
 * request). The entry is written before the change's answer returns; a failed write is logged on
 * `logger` and does not undo or fail the change (the API behaves the same).
 */
export function auditedManagement(
	service: ManagementService,
	audit: AuditAppender,
	who: string,
	logger: Logger,
): ManagementService {
	return new Proxy(service, {
		get(target, property, receiver) {
			const value: unknown = Reflect.get(target, property, receiver);
			const describe = CHANGES[property as Method];
			if (typeof value !== 'function' || !describe)
				return typeof value === 'function' ? value.bind(target) : value;
			return async (...args: unknown[]) => {
				// Looked up before the change: a deleted endpoint has no account afterwards. A missing
				// endpoint is reported by the change itself (404), so the lookup's own failure is not.
				const accountBefore = ON_ENDPOINT.has(property as Method)
					? await target.getEndpoint(String(args[0])).then(
							(endpoint) => endpoint.accountId,
							() => undefined,
						)
					: undefined;
				const answer: unknown = await (value as (...a: unknown[]) => Promise<unknown>).apply(
					target,
					args,
				);
				const described = describe(args, answer);
				const entry: AuditEntry = {
					at: new Date().toISOString(),
					who,
					action: described.action,
					status: 0,
					accountId: described.accountId ?? accountBefore,
					endpointId:
						described.endpointId ??
						(ON_ENDPOINT.has(property as Method) ? String(args[0]) : undefined),
				};
				await audit.append(entry).catch((error: unknown) =>
					logger.error('audit log write failed', {
						...entry,
						error: error instanceof Error ? error.message : String(error),
					}),
				);
				return answer;
			};
		},
	});
}
