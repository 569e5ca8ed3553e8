/**
 * What the Webhook Gateway Ingress node does per request: the credential's shared Redis client
 * (reference counted, kept open between requests by its linger), the ingest built on it once, and
 * the gateway's answer written on n8n's response object.
 */
import type { IWebhookFunctions } from 'n8n-workflow';
import { answerSetupFailure } from '../../src/gateway/ingress';
import {
	acquireClient,
	checkRedisOnce,
	ingressOf,
	type Lease,
	type SharedClient,
} from '../../src/runtime/processResources';
import { configFromCredential, CREDENTIAL_TYPE } from '../shared/credentials';
import { messageOf } from '../shared/errors';
import { gatewayLogger } from '../shared/logger';

const HOOKS = '/hooks/';

/**
 * The part of the request URL in front of `/hooks/`: `/webhook/<webhook id>` (n8n's webhook
 * prefix may be renamed, N8N_ENDPOINT_WEBHOOK, and may itself be "hooks", so the node's webhook
 * id anchors it). '' when the URL does not hold it (the ingest then answers 404).
 */
export function mountOf(url: string, webhookId: string | undefined): string {
	const marker = webhookId ? `/${webhookId}${HOOKS}` : HOOKS;
	const at = url.indexOf(marker);
	return at === -1 ? '' : url.slice(0, at + marker.length - HOOKS.length);
}

/** Answers the request of `ctx` with the gateway's ingest contract. Never throws. */
export async function serveIngress(ctx: IWebhookFunctions): Promise<void> {
	const req = ctx.getRequestObject();
	const res = ctx.getResponseObject();
	const logger = gatewayLogger(ctx.logger);
	let lease: Lease<SharedClient> | undefined;
	try {
		let ingress;
		try {
			const config = configFromCredential(await ctx.getCredentials(CREDENTIAL_TYPE));
			lease = await acquireClient(config, logger);
			await checkRedisOnce(lease.value, config, logger);
			ingress = ingressOf(lease.value, config, logger);
		} catch (error) {
			logger.error(`Webhook Gateway Ingress cannot serve requests: ${messageOf(error)}`, {
				node: ctx.getNode().name,
			});
			answerSetupFailure(res);
			return;
		}
		await ingress.handle(req, res, mountOf(req.url, ctx.getNode().webhookId));
	} finally {
		await lease?.release();
	}
}
