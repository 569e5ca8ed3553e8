/**
 * The part of trigger() both nodes share: open the gateway session for the credential (and the
 * embedded gateway when it serves endpoints), find the endpoint, and for manual runs build the
 * test listener. Errors come back as NodeOperationError with an actionable message.
 */
import { NodeOperationError, type ITriggerFunctions, type ITriggerResponse } from 'n8n-workflow';
import type { EventFilter } from '../../src/delivery/filter';
import type { Logger } from '../../src/logger';
import type { EndpointRef } from '../../src/redis';
import type { EndpointView } from '../../src/types';
import { CREDENTIAL_TYPE, warnLegacyServeFields } from './credentials';
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
 * n8n 2.x's Engine 2.0 (a workflow whose settings say `engineType: "v2"`) refuses every emit that
 * carries a donePromise, i.e. every release of these triggers, with an error that names neither
 * the node nor the fix. Refuse activation instead, saying what to change. Manual runs emit without
 * a donePromise and stay allowed. n8n 1.x has no such setting (and older releases no
 * getWorkflowSettings), so this reads it defensively.
 */
export function assertEngineSupported(ctx: ITriggerFunctions, doing: string): void {
	if (ctx.getMode() === 'manual') return;
	const { getWorkflowSettings } = ctx as {
		getWorkflowSettings?: () => { engineType?: unknown } | undefined;
	};
	if (typeof getWorkflowSettings !== 'function') return;
	if (getWorkflowSettings.call(ctx)?.engineType !== 'v2') return;
	throw new NodeOperationError(
		ctx.getNode(),
		`Could not ${doing}: this workflow runs on n8n's Engine 2.0 (workflow setting engineType "v2"), which cannot yet run a trigger that waits for its execution to finish. This trigger must wait: it acknowledges events only after the run succeeded.`,
		{
			description:
				'Switch the workflow back to the default engine: set "engineType" to "v1" in the workflow\'s settings (or remove it from the workflow\'s JSON and import it again), then activate the workflow again. The events stay buffered meanwhile.',
		},
	);
}

/**
 * Opens the session (serving endpoints when the environment says so) and loads the endpoint.
 * @param doing e.g. "activate the Webhook Batch Trigger", for error messages.
 */
export async function openTrigger(ctx: ITriggerFunctions, doing: string): Promise<OpenedTrigger> {
	const node = ctx.getNode();
	assertEngineSupported(ctx, doing);
	const logger = gatewayLogger(ctx.logger);
	const endpointId = endpointIdOf(ctx.getNodeParameter('endpoint', '', { extractValue: true }));
	if (!endpointId)
		throw toNodeError(
			node,
			new Error('no endpoint is selected; pick one in the Endpoint field'),
			doing,
		);
	let session: GatewaySession;
	try {
		const credential = await ctx.getCredentials(CREDENTIAL_TYPE);
		session = await openGatewaySession(credential, logger, { serve: false });
		warnLegacyServeFields(credential, logger);
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
export function manualResponse(
	ctx: ITriggerFunctions,
	opened: OpenedTrigger,
	items: ItemOptions,
	filter?: EventFilter,
): ITriggerResponse {
	const listener = manualListener(
		ctx,
		opened.session,
		{ ...opened.ref, url: opened.endpoint.url },
		items,
		opened.logger,
		filter,
	);
	let closed = false;
	return {
		manualTriggerFunction: async () => {
			try {
				await listener.manualTriggerFunction();
			} catch (error) {
				throw toNodeError(ctx.getNode(), error, 'read a test event', {
					endpointId: opened.endpoint.id,
					redis: opened.session.redis,
				});
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
