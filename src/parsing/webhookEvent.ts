/**
 * Turns a buffered entry (raw bytes) into the event a workflow receives (README "The event a
 * workflow receives"): the body is parsed from the raw bytes here, on the delivery side, so Redis keeps each
 * event's bytes once.
 */
import type { StoredEntry } from '../redis/bufferPorts';
import type { WebhookEvent } from '../types';
import { parseBody } from './body';
import { parseQuery } from './query';

export async function toWebhookEvent(
	entry: StoredEntry,
	endpoint: { id: string; accountId: string },
): Promise<WebhookEvent> {
	const contentType = entry.headers['content-type'] ?? '';
	const parsed = await parseBody(contentType || undefined, entry.body);
	return {
		id: entry.eventId,
		endpointId: endpoint.id,
		accountId: endpoint.accountId,
		receivedAt: new Date(entry.receivedAtMs).toISOString(),
		method: entry.method,
		path: entry.path,
		query: parseQuery(entry.query),
		headers: entry.headers,
		contentType,
		// Bodies were validated at ingest; base64 is the lossless fallback should that ever differ.
		body: parsed.ok ? parsed.body : entry.body.toString('base64'),
		rawBody: entry.body.toString('base64'),
		sourceIp: entry.sourceIp,
	};
}
