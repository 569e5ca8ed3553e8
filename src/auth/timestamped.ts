/**
 * HMAC schemes that sign a timestamp with the body, each as its provider documents it: Zoom
 * (`v0:ts:body`), Paddle (`ts:body`), Calendly (`t.body`), Twitch (id + timestamp + body) and
 * Mailgun (timestamp + token, carried in the body). Stale timestamps are rejected.
 */
import { createHmac } from 'node:crypto';
import { decodeSignature } from './constantTime';
import { anyMatch, decodedSignatures, timestampProblem } from './hmac';
import {
	OK,
	fail,
	headerValues,
	type AuthFailureReason,
	type AuthRequest,
	type AuthResult,
} from './request';

/** HMAC-SHA256 over the parts in order (strings as UTF-8, the body as its bytes). */
function hmacOf(secret: string, ...parts: Array<string | Buffer>): Buffer {
	const mac = createHmac('sha256', secret);
	for (const part of parts) mac.update(part);
	return mac.digest();
}

/** `k=v` pairs split on `separator`; repeated keys keep every value (at most 16). */
function pairs(text: string, separator: string): Map<string, string[]> {
	const out = new Map<string, string[]>();
	for (const item of text.split(separator).slice(0, 16)) {
		const eq = item.indexOf('=');
		if (eq < 0) continue;
		const key = item.slice(0, eq).trim();
		out.set(key, [...(out.get(key) ?? []), item.slice(eq + 1).trim()]);
	}
	return out;
}

/** Zoom: `x-zm-signature: v0=<hex HMAC-SHA256("v0:" + x-zm-request-timestamp + ":" + body)>`. */
export function verifyZoom(
	req: AuthRequest,
	secrets: string[],
	nowMs: number,
	tolerance: number,
): AuthResult {
	const signatures = headerValues(req.headers, 'x-zm-signature');
	if (signatures.length === 0) return fail('missing_signature');
	const timestamp = headerValues(req.headers, 'x-zm-request-timestamp')[0]?.trim();
	if (timestamp === undefined) return fail('missing_timestamp');
	const problem = timestampProblem(timestamp, nowMs, tolerance);
	if (problem) return fail(problem);
	const presented = decodedSignatures(signatures, 'v0=', 'hex');
	return anyMatch(presented, secrets, (s) => hmacOf(s, `v0:${timestamp}:`, req.rawBody))
		? OK
		: fail('invalid_signature');
}

/**
 * The schemes whose header holds `<ts key>=<unix s><sep><sig key>=<hex>`: Paddle
 * (`ts=…;h1=…` over `ts:body`) and Calendly (`t=…,v1=…` over `t.body`).
 */
function verifyTimestampPairs(
	req: AuthRequest,
	secrets: string[],
	nowMs: number,
	tolerance: number,
	format: { header: string; separator: string; ts: string; sig: string; joiner: string },
): AuthResult {
	const value = headerValues(req.headers, format.header)[0];
	if (value === undefined) return fail('missing_signature');
	const fields = pairs(value, format.separator);
	const timestamp = fields.get(format.ts)?.[0];
	if (timestamp === undefined) return fail('missing_timestamp');
	const problem = timestampProblem(timestamp, nowMs, tolerance);
	if (problem) return fail(problem);
	const presented = decodedSignatures(fields.get(format.sig) ?? [], '', 'hex');
	if (presented.length === 0) return fail('missing_signature');
	const matched = anyMatch(presented, secrets, (s) =>
		hmacOf(s, `${timestamp}${format.joiner}`, req.rawBody),
	);
	return matched ? OK : fail('invalid_signature');
}

/** Paddle Billing: `Paddle-Signature: ts=<unix s>;h1=<hex HMAC-SHA256("ts:" + body)>`; any h1 may match. */
export function verifyPaddle(
	req: AuthRequest,
	secrets: string[],
	nowMs: number,
	tolerance: number,
): AuthResult {
	return verifyTimestampPairs(req, secrets, nowMs, tolerance, {
		header: 'paddle-signature',
		separator: ';',
		ts: 'ts',
		sig: 'h1',
		joiner: ':',
	});
}

/** Calendly: `Calendly-Webhook-Signature: t=<unix s>,v1=<hex HMAC-SHA256("t." + body)>`. */
export function verifyCalendly(
	req: AuthRequest,
	secrets: string[],
	nowMs: number,
	tolerance: number,
): AuthResult {
	return verifyTimestampPairs(req, secrets, nowMs, tolerance, {
		header: 'calendly-webhook-signature',
		separator: ',',
		ts: 't',
		sig: 'v1',
		joiner: '.',
	});
}

/** RFC 3339 with up to nanoseconds, as Twitch sends it. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Twitch EventSub: `Twitch-Eventsub-Message-Signature: sha256=<hex HMAC-SHA256(message id +
 * timestamp + body)>`; the timestamp is RFC 3339 (Twitch asks to reject ones older than 10 min).
 */
export function verifyTwitch(
	req: AuthRequest,
	secrets: string[],
	nowMs: number,
	tolerance: number,
): AuthResult {
	const signatures = headerValues(req.headers, 'twitch-eventsub-message-signature');
	if (signatures.length === 0) return fail('missing_signature');
	const id = headerValues(req.headers, 'twitch-eventsub-message-id')[0];
	if (id === undefined) return fail('missing_message_id');
	const timestamp = headerValues(req.headers, 'twitch-eventsub-message-timestamp')[0]?.trim();
	if (timestamp === undefined) return fail('missing_timestamp');
	const ms = RFC3339.test(timestamp) ? Date.parse(timestamp) : NaN;
	if (!Number.isFinite(ms)) return fail('invalid_timestamp');
	if (Math.abs(nowMs - ms) > tolerance * 1000) return fail('stale_timestamp');
	const presented = decodedSignatures(signatures, 'sha256=', 'hex');
	// Header values reach us latin1-decoded; encoding them back as latin1 signs the bytes on the wire.
	const matched = anyMatch(presented, secrets, (s) =>
		hmacOf(s, Buffer.from(id + timestamp, 'latin1'), req.rawBody),
	);
	return matched ? OK : fail('invalid_signature');
}

/** Mailgun's three signature fields, from a JSON body (`signature: {…}`) or form fields. */
function mailgunFields(rawBody: Buffer): {
	timestamp?: unknown;
	token?: unknown;
	signature?: unknown;
} {
	const text = rawBody.toString('utf8');
	if (text.trimStart().startsWith('{')) {
		try {
			const parsed = JSON.parse(text) as { signature?: unknown };
			return parsed.signature && typeof parsed.signature === 'object'
				? (parsed.signature as Record<string, unknown>)
				: {};
		} catch {
			// Not JSON after all: an unparsable body carries no signature; the caller reports it missing.
			return {};
		}
	}
	const form = new URLSearchParams(text);
	return {
		timestamp: form.get('timestamp') ?? undefined,
		token: form.get('token') ?? undefined,
		signature: form.get('signature') ?? undefined,
	};
}

/** Mailgun: body `signature.signature` = hex HMAC-SHA256(signing key, timestamp + token). */
export function verifyMailgun(
	req: AuthRequest,
	secrets: string[],
	nowMs: number,
	tolerance: number,
): AuthResult {
	const { timestamp, token, signature } = mailgunFields(req.rawBody);
	if (typeof signature !== 'string' || typeof token !== 'string') return fail('missing_signature');
	const ts = typeof timestamp === 'number' ? String(timestamp) : timestamp;
	if (typeof ts !== 'string') return fail('missing_timestamp');
	const problem: AuthFailureReason | undefined = timestampProblem(ts, nowMs, tolerance);
	if (problem) return fail(problem);
	const presented = decodeSignature(signature, 'hex');
	if (presented === undefined) return fail('invalid_signature');
	return anyMatch([presented], secrets, (s) => hmacOf(s, ts + token))
		? OK
		: fail('invalid_signature');
}
