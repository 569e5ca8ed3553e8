/**
 * The part of trigger() both nodes share: open the gateway session for the credential (and the
 * embedded gateway when it serves endpoints), find the endpoint, and for manual runs build the
 * test listener. Errors come back as NodeOperationError with an actionable message.
 */
import type { ITriggerFunctions, ITriggerResponse } from 'n8n-workflow';
import type { Logger } from '../../src/logger';
import type { EndpointRef } from '../../src/redis';
import type { EndpointView } from '../../src/types';
import { CREDENTIAL_TYPE } from './credentials';
import { endpointIdOf } from './endpointLocator';
import { toNodeError } from './errors';
import { endpointRefOf, openGatewaySession, type GatewaySession } from './gatewaySession';
import type { ItemOptions } from './items';
import { gatewayLogger } from './logger';
import { manualListener } from './manual';

export interface OpenedTrigger {
	session: GatewaySession;
	endpoint: EndpointView;
	ref: EndpointRef;
	logger: Logger;
}

/** `<workflow id>:<node id>`: the subscriber (cursor) of this trigger node. */
export function subscriberIdOf(ctx: ITriggerFunctions): string {
	return `${ctx.getWorkflow().id ?? 'unsaved'}:${ctx.getNode().id}`;
}

/**
 * Opens the session (serving endpoints when the credential says so) and loads the endpoint.
 * @param doing e.g. "activate the Webhook Batch Trigger", for error messages.
 */
export async function openTrigger(ctx: ITriggerFunctions, doing: string): Promise<OpenedTrigger> {
	const node = ctx.getNode();
	const logger = gatewayLogger(ctx.logger);
	const endpointId = endpointIdOf(ctx.getNodeParameter('endpoint', '', { extractValue: true }));
	if (!endpointId) throw toNodeError(node, new Error('no endpoint is selected; pick one in the Endpoint field'), doing);
	let session: GatewaySession;
	try {
		session = await openGatewaySession(await ctx.getCredentials(CREDENTIAL_TYPE), logger, { serve: false });
	} catch (error) {
		throw toNodeError(node, error, doing);
	}
	try {
		const endpoint = await session.client.management.getEndpoint(endpointId);
		// Only now: n8n retries a failed activation, and each try would open and close the port.
		await session.serve();
		return { session, endpoint, ref: endpointRefOf(endpoint), logger };
	} catch (error) {
		await session.close();
		throw toNodeError(node, error, doing, { endpointId, redis: session.redis });
	}
}

/** The trigger response for "Execute step" / "Listen for test event". */
export function manualResponse(ctx: ITriggerFunctions, opened: OpenedTrigger, items: ItemOptions): ITriggerResponse {
	const listener = manualListener(ctx, opened.session, { ...opened.ref, url: opened.endpoint.url }, items, opened.logger);
	let closed = false;
	return {
		manualTriggerFunction: async () => {
			try {
				await listener.manualTriggerFunction();
			} catch (error) {
				throw toNodeError(ctx.getNode(), error, 'read a test event', { endpointId: opened.endpoint.id, redis: opened.session.redis });
			}
		},
		closeFunction: async () => {
			if (closed) return;
			closed = true;
			listener.stop();
			await opened.session.close();
		},
	};
}
