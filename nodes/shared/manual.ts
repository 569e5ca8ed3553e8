/**
 * "Execute step" / "Listen for test event" for both triggers: show the newest buffered event of
 * the endpoint, or else the next one that arrives, consuming nothing (no subscriber is created,
 * so production subscribers keep everything). With a filter, the newest buffered event it
 * matches, or else the next arrival; an arrival it does not match ends the test with an error
 * saying which condition failed, so the user sees why production would skip it.
 */
import { NodeOperationError, type ITriggerFunctions } from 'n8n-workflow';
import type { EventFilter } from '../../src/delivery/filter';
import { toWebhookEvent } from '../../src/parsing/webhookEvent';
import type { Logger } from '../../src/logger';
import type { BufferAdmin, EndpointRef, StoredEntry } from '../../src/redis';
import type { GatewaySession } from './gatewaySession';
import { itemsOf, type ItemOptions } from './items';

const FILTER_MISMATCH_DESCRIPTION =
	'An active workflow would not start an execution for it (it is acknowledged for this trigger and counted as filtered). Send an event that matches, or change the Filters, then listen again.';

/** One blocking read waits this long before checking whether the test was stopped, ms. */
const WAIT_SLICE_MS = 5000;

/** Buffered events looked at for one the filter matches, newest first. */
const MANUAL_SCAN = 100;

export interface ManualListener {
	manualTriggerFunction(): Promise<void>;
	/** Stops waiting and closes the blocking connection; idempotent. */
	stop(): void;
}

export function manualListener(
	ctx: ITriggerFunctions,
	session: GatewaySession,
	endpoint: EndpointRef & { url: string },
	options: ItemOptions,
	logger: Logger,
	filter?: EventFilter,
): ManualListener {
	const { stores } = session.client;
	// A test run only looks at the buffer: it consumes nothing and creates no subscriber.
	const buffer: Pick<BufferAdmin, 'peek'> = stores.buffer;
	let stopped = false;
	let blocking: ReturnType<typeof stores.blockingBuffer> | undefined;

	/** Emits the entry's event, or with a filter it does not match, reports why and emits nothing. @returns whether it was emitted */
	const emitEntry = async (entry: StoredEntry): Promise<boolean> => {
		const event = await toWebhookEvent(entry, endpoint);
		const reason = filter?.explain(event);
		if (reason !== undefined) {
			ctx.emitError(
				new NodeOperationError(
					ctx.getNode(),
					`The test event ${entry.eventId} does not match this trigger’s filter: ${reason}`,
					{
						description: FILTER_MISMATCH_DESCRIPTION,
					},
				),
			);
			return false;
		}
		const items = await itemsOf([event], options, (data, fileName, mimeType) =>
			ctx.helpers.prepareBinaryData(data, fileName, mimeType),
		);
		// n8n replaces `emit` for manual runs after trigger() returned: look it up now.
		ctx.emit([items]);
		return true;
	};

	return {
		async manualTriggerFunction() {
			const buffered = await buffer.peek(endpoint, filter ? MANUAL_SCAN : 1, 'newest');
			let afterId = '0-0';
			for (const entry of buffered) {
				if (!filter || filter.matches(await toWebhookEvent(entry, endpoint))) {
					await emitEntry(entry);
					return;
				}
			}
			if (buffered.length > 0) {
				// None of the newest buffered events matches: wait for a new one.
				afterId = buffered[0].ref.slice(2);
				logger.info(
					`Webhook gateway: none of the ${buffered.length} newest buffered events matches the trigger's filter`,
					{ endpoint: endpoint.id },
				);
			}
			logger.info(`Webhook gateway: waiting for a test event; send a request to ${endpoint.url}`, {
				endpoint: endpoint.id,
			});
			const reader = stores.blockingBuffer();
			blocking = reader;
			void (async () => {
				try {
					while (!stopped) {
						// The buffer was empty: whatever arrives first is the next event.
						const entry = await reader.buffer.waitForNext(endpoint, WAIT_SLICE_MS, afterId);
						if (stopped) return;
						if (entry) {
							await emitEntry(entry);
							return;
						}
					}
				} catch (error) {
					if (!stopped) ctx.emitError(error instanceof Error ? error : new Error(String(error)));
				} finally {
					reader.close();
				}
			})();
		},
		stop() {
			stopped = true;
			blocking?.close();
		},
	};
}
