/**
 * Provider handshakes the gateway answers itself, without storing anything: challenges a
 * provider sends when a URL is registered (or periodically) and expects echoed or computed.
 * Unsigned ones are answered before authentication; signed ones only after the request verified.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { parseQuery } from '../events/query';
import type { EndpointRecord } from '../types';

/** What the gateway sends back for a handshake. */
export interface HandshakeAnswer {
	status: number;
	/** JSON answers are objects; plain-text answers are strings (sent with nosniff). */
	body: string | Record<string, unknown>;
}

/** Whether a presented verify token equals the configured one, in time independent of both. */
function verifyTokenMatches(presented: unknown, expected: string): boolean {
	if (typeof presented !== 'string') return false;
	const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
	return timingSafeEqual(digest(presented), digest(expected));
}

/** Result of an unsigned handshake check: an answer, a refusal (wrong verify token), or nothing to answer. */
export type UnsignedHandshake = HandshakeAnswer | 'forbidden' | undefined;

/**
 * Handshakes that do not carry the endpoint's signature, answered before auth: `hub.challenge`
 * (with an optional verify token) and `validationToken` echoes.
 * @param query the raw query string (without `?`)
 */
export function unsignedHandshake(endpoint: Pick<EndpointRecord, 'handshake'>, method: string, query: string): UnsignedHandshake {
	const hs = endpoint.handshake;
	if (hs.mode === 'hubChallenge' && method === 'GET') {
		const q = parseQuery(query);
		const challenge = q['hub.challenge'];
		if (typeof challenge !== 'string') return undefined;
		if (hs.verifyToken && !verifyTokenMatches(q['hub.verify_token'], hs.verifyToken)) return 'forbidden';
		return { status: 200, body: challenge };
	}
	if (hs.mode === 'validationToken') {
		const token = parseQuery(query).validationToken;
		if (typeof token === 'string') return { status: 200, body: token };
	}
	return undefined;
}

/**
 * Handshakes inside a verified request's body (Slack `url_verification`), answered after the
 * signature passed. @param body the parsed body
 */
export function signedHandshake(endpoint: Pick<EndpointRecord, 'handshake'>, body: unknown): HandshakeAnswer | undefined {
	if (endpoint.handshake.mode === 'slack') {
		const b = body as { type?: unknown; challenge?: unknown } | null;
		if (b && typeof b === 'object' && b.type === 'url_verification' && typeof b.challenge === 'string') {
			return { status: 200, body: { challenge: b.challenge } };
		}
	}
	return undefined;
}
