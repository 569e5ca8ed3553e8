/**
 * What a trigger hears about its subscription while active: a return after being dropped (a gap:
 * warned in the n8n log, counted in /metrics, and put on each item of its next execution as
 * `gap`), and the deletion of its endpoint (the trigger stops and reports an error through
 * n8n's emitError, so the workflow shows it and its error workflow runs).
 */
import { NodeOperationError, type ITriggerFunctions } from 'n8n-workflow';
import { deliveryMetrics, type TriggerKind } from '../../src/delivery/metrics';
import type { SubscriberGap } from '../../src/redis';
import type { OpenedTrigger } from './trigger';
import { messageOf } from '../../src/errors';

const ENDPOINT_DELETED_DESCRIPTION =
	'Someone deleted the endpoint while this workflow was active (a forced delete); its buffered events are gone. Create the endpoint again or pick another one in the Endpoint field, then activate the workflow again.';

/** How often an active trigger checks that its endpoint still exists, ms. */
export const ENDPOINT_CHECK_MS = 5000;

export interface SubscriptionWatch {
	/** The gap to report on the next execution, once. */
	takeGap(): SubscriberGap | undefined;
	/** Stops listening; idempotent. */
	stop(): void;
}

/** The subscriber's names stored with it, so that listings show which workflow reads the endpoint. */
export function subscriberMeta(ctx: ITriggerFunctions): {
	workflowName?: string;
	nodeName: string;
} {
	return { workflowName: ctx.getWorkflow().name ?? undefined, nodeName: ctx.getNode().name };
}

/**
 * Starts watching; call before subscribing so that a gap found then is heard too.
 * @param onGone stops the trigger's own work; the error is emitted after it
 */
export function watchSubscription(
	ctx: ITriggerFunctions,
	opened: OpenedTrigger,
	subscriberId: string,
	kind: TriggerKind,
	onGone: () => Promise<void> | void,
): SubscriptionWatch {
	const { session, ref, endpoint, logger } = opened;
	const subscribers = session.client.stores.subscribers;
	let gap: SubscriberGap | undefined;
	let stopped = false;
	const unlisten = subscribers.onGap(ref, subscriberId, (found) => {
		gap = found;
		deliveryMetrics().subscriberGap(endpoint.id, kind);
		logger.warn(
			`Webhook trigger returned after being dropped and missed events: ${found.message}`,
			{ endpoint: endpoint.id, subscriber: subscriberId, ...found },
		);
	});
	let checking = false;
	const timer = setInterval(() => {
		if (checking || stopped) return;
		checking = true;
		subscribers
			.endpointExists(ref)
			.then(async (exists) => {
				if (exists || stopped) return;
				watch.stop();
				logger.error('Webhook trigger stopped: its endpoint was deleted', {
					endpoint: endpoint.id,
					subscriber: subscriberId,
				});
				await onGone();
				ctx.emitError(
					new NodeOperationError(
						ctx.getNode(),
						`The endpoint '${endpoint.id}' was deleted, so this trigger stopped`,
						{
							description: ENDPOINT_DELETED_DESCRIPTION,
						},
					),
				);
			})
			.catch((error: unknown) =>
				logger.debug('could not check that the endpoint exists', {
					endpoint: endpoint.id,
					error: messageOf(error),
				}),
			)
			.finally(() => (checking = false));
	}, ENDPOINT_CHECK_MS);
	const watch: SubscriptionWatch = {
		takeGap() {
			const taken = gap;
			gap = undefined;
			return taken;
		},
		stop() {
			if (stopped) return;
			stopped = true;
			clearInterval(timer);
			unlisten();
		},
	};
	return watch;
}
