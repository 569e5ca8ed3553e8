/**
 * Validation of an endpoint's custom answer to accepted requests (status 2xx, body, content type).
 * Bounded so that a registry record stays small and the answer costs nothing to send.
 */
import { ValidationError } from '../errors';
import type { AcceptResponse } from '../types';

/** Largest custom body in bytes (UTF-8). */
export const MAX_ACCEPT_RESPONSE_BYTES = 4096;
/** Content type used when a custom answer names none. */
export const DEFAULT_ACCEPT_CONTENT_TYPE = 'text/plain; charset=utf-8';
/** Statuses whose answers carry no body (RFC 9110 §15.3.5, §15.3.6). */
const BODYLESS = new Set([204, 205]);
/** `type/subtype` then optional parameters, printable ASCII only. */
const CONTENT_TYPE_RE =
	/^[!#$%&'*+.^_`|~0-9A-Za-z-]+\/[!#$%&'*+.^_`|~0-9A-Za-z-]+(\s*;[\x20-\x7e]*)?$/;
const FIELDS = ['status', 'body', 'contentType'];

/**
 * Checks a custom answer. `undefined`, `null` or `''` means "the default 202 JSON" (null).
 * Defaults: status 200, empty body, content type `text/plain; charset=utf-8`.
 * @throws ValidationError naming the field
 */
export function validateAcceptResponse(input: unknown): AcceptResponse | null {
	if (input === undefined || input === null || input === '') return null;
	if (typeof input !== 'object' || Array.isArray(input))
		throw new ValidationError(
			'acceptResponse must be an object {status, body, contentType} or null for the default 202 JSON',
		);
	const o = input as Record<string, unknown>;
	for (const key of Object.keys(o)) {
		if (!FIELDS.includes(key))
			throw new ValidationError(
				`acceptResponse.${key.slice(0, 50)} is not a known field (status, body, contentType)`,
			);
	}
	const status = o.status === undefined || o.status === '' ? 200 : Number(o.status);
	if (!Number.isInteger(status) || status < 200 || status > 299)
		throw new ValidationError(
			`acceptResponse.status must be a 2xx status code from 200 to 299 (got ${JSON.stringify(o.status)})`,
		);
	const body = o.body === undefined || o.body === null ? '' : o.body;
	if (typeof body !== 'string') throw new ValidationError('acceptResponse.body must be text');
	if (Buffer.byteLength(body) > MAX_ACCEPT_RESPONSE_BYTES)
		throw new ValidationError(
			`acceptResponse.body must be at most ${MAX_ACCEPT_RESPONSE_BYTES} bytes (UTF-8)`,
		);
	if (BODYLESS.has(status) && body !== '')
		throw new ValidationError(
			`acceptResponse.body must be empty with status ${status} (it carries no body)`,
		);
	const contentType =
		o.contentType === undefined || o.contentType === null || o.contentType === ''
			? DEFAULT_ACCEPT_CONTENT_TYPE
			: o.contentType;
	if (
		typeof contentType !== 'string' ||
		contentType.length > 200 ||
		!CONTENT_TYPE_RE.test(contentType.trim())
	) {
		throw new ValidationError(
			'acceptResponse.contentType must be a media type such as application/json or text/plain; charset=utf-8 (printable ASCII, at most 200 characters)',
		);
	}
	return { status, body, contentType: contentType.trim() };
}
