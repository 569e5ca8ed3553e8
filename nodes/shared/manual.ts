/**
 * "Execute step" / "Listen for test event" for both triggers: show the newest buffered event of
 * the endpoint, or else the next one that arrives, consuming nothing (no subscriber is created,
 * so production subscribers keep everything).
 */
import type { ITriggerFunctions } from 'n8n-workflow';
import { toWebhookEvent } from '../../src/events/codec';
import type { Logger } from '../../src/logger';
import type { EndpointRef, StoredEntry } from '../../src/redis';
import type { GatewaySession } from './gatewaySession';
import { itemsOf, type ItemOptions } from './items';

/** One blocking read waits this long before checking whether the test was stopped, ms. */
const WAIT_SLICE_MS = 5000;

export interface ManualListener {
	manualTriggerFunction(): Promise<void>;
	/** Stops waiting and closes the blocking connection; idempotent. */
	stop(): void;
}

export function manualListener(ctx: ITriggerFunctions, session: GatewaySession, endpoint: EndpointRef & { url: string }, options: ItemOptions, logger: Logger): ManualListener {
	const { stores } = session.client;
	let stopped = false;
	let blocking: ReturnType<typeof stores.blockingBuffer> | undefined;

	const emitEntry = async (entry: StoredEntry) => {
		const event = await toWebhookEvent(entry, endpoint);
		const items = await itemsOf([event], options, (data, fileName, mimeType) => ctx.helpers.prepareBinaryData(data, fileName, mimeType));
		// n8n replaces `emit` for manual runs after trigger() returned: look it up now.
		ctx.emit([items]);
	};

	return {
		async manualTriggerFunction() {
			const [newest] = await stores.buffer.peek(endpoint, 1, 'newest');
			if (newest) {
				await emitEntry(newest);
				return;
			}
			logger.info(`Webhook gateway: waiting for a test event; send a request to ${endpoint.url}`, { endpoint: endpoint.id });
			const reader = stores.blockingBuffer();
			blocking = reader;
			void (async () => {
				try {
					while (!stopped) {
						// The buffer was empty: whatever arrives first is the next event.
						const entry = await reader.buffer.waitForNext(endpoint, WAIT_SLICE_MS, '0-0');
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
