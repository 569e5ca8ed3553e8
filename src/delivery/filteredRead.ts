/**
 * The step both delivery loops take right after a read (docs/filters.md): turn the entries into
 * events, keep those the trigger's filter wants, and acknowledge the others for this subscriber
 * at once, counted (metric and the subscriber's filtered counter), so they never start an
 * execution and are not read again.
 */
import { toWebhookEvent } from '../parsing/webhookEvent';
import type { BufferDelivery, EndpointRef, StoredEntry } from '../redis/bufferPorts';
import type { WebhookEvent } from '../types';
import type { EventFilter } from './filter';
import { deliveryMetrics, type TriggerKind } from './metrics';

/** An entry as read, with the event a workflow would receive. */
export interface ReadEvent {
	entry: StoredEntry;
	event: WebhookEvent;
}

/** Converts entries to events (oldest first) and splits them by `filter`; without one, all match. */
export async function splitByFilter(
	entries: StoredEntry[],
	endpoint: EndpointRef,
	filter: EventFilter | undefined,
): Promise<{ matched: ReadEvent[]; filtered: StoredEntry[] }> {
	const matched: ReadEvent[] = [];
	const filtered: StoredEntry[] = [];
	for (const entry of entries) {
		const event = await toWebhookEvent(entry, endpoint);
		if (!filter || filter.matches(event)) matched.push({ entry, event });
		else filtered.push(entry);
	}
	return { matched, filtered };
}

/** Acknowledges the entries a filter left out for this subscriber and counts them. @returns entries acknowledged */
export async function settleFiltered(
	buffer: BufferDelivery,
	endpoint: EndpointRef,
	subscriberId: string,
	trigger: TriggerKind,
	entries: StoredEntry[],
): Promise<number> {
	if (entries.length === 0) return 0;
	const acked = await buffer.ackFiltered(
		endpoint,
		subscriberId,
		entries.map((e) => e.ref),
	);
	deliveryMetrics().filtered(endpoint.id, trigger, acked);
	return acked;
}

/**
 * About what one entry holds in Redis (the sum of its field values, as readEvents.lua counts it
 * against a batch's byte cap), bytes: used to keep a batch gathered over several reads under the
 * same cap.
 */
export function storedSize(entry: StoredEntry): number {
	return (
		entry.body.length +
		Buffer.byteLength(JSON.stringify(entry.headers)) +
		Buffer.byteLength(entry.method) +
		Buffer.byteLength(entry.path) +
		Buffer.byteLength(entry.query) +
		Buffer.byteLength(entry.sourceIp) +
		entry.eventId.length
	);
}
