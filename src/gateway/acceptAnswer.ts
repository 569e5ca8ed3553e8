/**
 * The answer to an accepted (or duplicate) request: the default JSON, or the endpoint's custom
 * status, body and content type for senders that insist on `200` or a fixed body. The event id
 * travels in a header either way, so a custom body loses nothing for someone debugging.
 */
import type { ServerResponse } from 'node:http';
import type { AcceptResponse } from '../types';

/** Header carrying the stored (or, for a duplicate, the first) event's id. */
export const EVENT_ID_HEADER = 'X-Webhook-Gateway-Event-Id';

/** Writes an endpoint's custom answer (Content-Length set; nosniff, since the body is operator text). */
export function sendAcceptResponse(
	res: ServerResponse,
	answer: AcceptResponse,
	eventId: string,
	headers: Record<string, string> = {},
): void {
	// 204 must not carry Content-Length (RFC 9110 §8.6); 205 carries an empty body.
	if (answer.status === 204) {
		res.writeHead(204, { ...headers, [EVENT_ID_HEADER]: eventId });
		res.end();
		return;
	}
	const body = answer.status === 205 ? '' : answer.body;
	res.writeHead(answer.status, {
		...headers,
		[EVENT_ID_HEADER]: eventId,
		'Content-Type': answer.contentType,
		'X-Content-Type-Options': 'nosniff',
		'Content-Length': Buffer.byteLength(body),
	});
	res.end(body);
}
