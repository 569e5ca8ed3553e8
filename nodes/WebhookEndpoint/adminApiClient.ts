/**
 * The Webhook Endpoint node's management calls over a gateway's admin API, authenticated with the
 * "Webhook Gateway Admin API" credential (a scoped token): the same operations as the
 * ManagementService on Redis, so the actions do not know which one they use, but limited by the
 * token's scopes and accounts, and recorded in the audit log by the gateway as `token <name>`.
 * Error answers become GatewayErrors with the API's status, code and message.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
} from 'n8n-workflow';
import { ERROR_CATALOGUE, GatewayError, type ErrorCode } from '../../src/errors';
import type { ManagementService } from '../../src/management/service';

/** The credential type of the admin API connection. */
export const ADMIN_API_CREDENTIAL_TYPE = 'webhookGatewayAdminApi';

/** What the actions call: the ManagementService operations, whichever way they are reached. */
export type NodeManagement = Pick<
	ManagementService,
	| 'createEndpoint'
	| 'getEndpoint'
	| 'listEndpoints'
	| 'updateEndpoint'
	| 'deleteEndpoint'
	| 'rotateSecret'
	| 'endpointUsage'
	| 'peekEvents'
	| 'listDeadLetters'
	| 'replayDeadLetters'
	| 'deleteDeadLetters'
	| 'listSubscribers'
	| 'removeSubscriber'
	| 'rewindSubscriber'
	| 'listPlans'
	| 'getPlan'
	| 'upsertPlan'
	| 'deletePlan'
	| 'getAccount'
	| 'listAccounts'
	| 'setAccountPlan'
>;

/** Longest wait for one admin API answer, ms. */
const REQUEST_TIMEOUT_MS = 30_000;

const enc = encodeURIComponent;

/** The admin API over HTTP with the node's "Webhook Gateway Admin API" credential. */
export async function adminApiManagement(
	ctx: IExecuteFunctions | ILoadOptionsFunctions,
): Promise<NodeManagement> {
	const credential = await ctx.getCredentials(ADMIN_API_CREDENTIAL_TYPE);
	const base = `${String(credential.baseUrl ?? '')
		.trim()
		.replace(/\/+$/, '')}/api/v1`;
	if (!/^https?:\/\/[^\s/]+/.test(base))
		throw new GatewayError(
			400,
			'invalid_request',
			'The Webhook Gateway Admin API credential needs a Base URL starting with http:// or https://',
		);

	async function call<T>(
		method: IHttpRequestMethods,
		path: string,
		body?: unknown,
		qs?: IDataObject,
	): Promise<T> {
		const options: IHttpRequestOptions = {
			method,
			url: `${base}${path}`,
			qs,
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: REQUEST_TIMEOUT_MS,
		};
		if (body !== undefined) options.body = body as IDataObject;
		const answer = (await ctx.helpers.httpRequestWithAuthentication.call(
			ctx,
			ADMIN_API_CREDENTIAL_TYPE,
			options,
		)) as { statusCode: number; body: unknown };
		if (answer.statusCode >= 400) {
			const error = (answer.body as { error?: { code?: string; message?: string } } | undefined)
				?.error;
			const code: ErrorCode =
				error?.code !== undefined && error.code in ERROR_CATALOGUE
					? (error.code as ErrorCode)
					: 'internal_error';
			throw new GatewayError(
				answer.statusCode,
				code,
				`The gateway's admin API answered ${answer.statusCode}: ${error?.message ?? String(answer.body ?? '').slice(0, 200)}`,
			);
		}
		return answer.body as T;
	}
	const endpoint = (id: string) => `/endpoints/${enc(id)}`;

	return {
		createEndpoint: (input, createdBy) => call('POST', '/endpoints', { ...input, createdBy }),
		getEndpoint: (id) => call('GET', endpoint(id)),
		listEndpoints: (filter = {}) =>
			call('GET', '/endpoints', undefined, {
				...(filter.accountId ? { accountId: filter.accountId } : {}),
				...(filter.search ? { search: filter.search } : {}),
			}),
		updateEndpoint: (id, patch) => call('PATCH', endpoint(id), patch),
		deleteEndpoint: (id, options = {}) =>
			call(
				'DELETE',
				endpoint(id),
				undefined,
				options.force === true ? { force: 'true' } : undefined,
			),
		rotateSecret: (id, options = {}) => call('POST', `${endpoint(id)}/rotate-secret`, options),
		endpointUsage: (id) => call('GET', `${endpoint(id)}/usage`),
		peekEvents: (id, count = 10) => call('GET', `${endpoint(id)}/events`, undefined, { count }),
		listDeadLetters: (id, count = 100) =>
			call('GET', `${endpoint(id)}/dead-letters`, undefined, { count }),
		replayDeadLetters: (id, ids = []) =>
			call('POST', `${endpoint(id)}/dead-letters/replay`, { ids }),
		deleteDeadLetters: (id, ids) => call('DELETE', `${endpoint(id)}/dead-letters`, { ids }),
		listSubscribers: (id) => call('GET', `${endpoint(id)}/subscribers`),
		removeSubscriber: (id, subscriberId) =>
			call('DELETE', `${endpoint(id)}/subscribers/${enc(subscriberId)}`),
		rewindSubscriber: (id, subscriberId, input) =>
			call('POST', `${endpoint(id)}/subscribers/${enc(subscriberId)}/rewind`, input),
		listPlans: () => call('GET', '/plans'),
		getPlan: (id) => call('GET', `/plans/${enc(id)}`),
		upsertPlan: (input) =>
			call(
				'PUT',
				`/plans/${enc(String(input.id ?? ''))}`,
				Object.fromEntries(Object.entries(input).filter(([key]) => key !== 'id')),
			),
		deletePlan: (id) => call('DELETE', `/plans/${enc(id)}`),
		getAccount: (id) => call('GET', `/accounts/${enc(id)}`),
		listAccounts: () => call('GET', '/accounts'),
		setAccountPlan: (id, planId) => call('PUT', `/accounts/${enc(id)}/plan`, { planId }),
	};
}
