/**
 * Provider handshakes the gateway answers itself, without storing anything: challenges a
 * provider sends when a URL is registered (or periodically) and expects echoed or computed.
 * Unsigned ones are answered before authentication; signed ones only after the request verified.
 */
import { createHmac } from 'node:crypto';
import { secretsEqual } from './constantTime';
import { parseQuery } from '../parsing/query';
import type { EndpointRecord, HmacPreset } from '../types';
import { DEFAULT_TOLERANCE_SECONDS } from './presets';
import { headerValues, type AuthRequest } from './request';
import { activeSecrets } from './secrets';
import { verifyZoom } from './timestamped';

/** What the gateway sends back for a handshake. */
export interface HandshakeAnswer {
	status: number;
	/** JSON answers are objects; plain-text answers are strings (sent with nosniff). */
	body: string | Record<string, unknown>;
}

/** Whether a presented verify token equals the configured one, in time independent of both. */
function verifyTokenMatches(presented: unknown, expected: string): boolean {
	return typeof presented === 'string' && secretsEqual(presented, expected);
}

/** Result of an unsigned handshake check: an answer, a refusal (wrong verify token), or nothing to answer. */
export type UnsignedHandshake = HandshakeAnswer | 'forbidden' | undefined;

type HandshakeEndpoint = Pick<EndpointRecord, 'handshake' | 'auth'>;

function presetOf(endpoint: HandshakeEndpoint): HmacPreset | undefined {
	return endpoint.auth.type === 'hmac' ? endpoint.auth.preset : undefined;
}

/**
 * Handshakes that do not carry the endpoint's signature, answered before auth: `hub.challenge`
 * (mode hubChallenge or preset meta; the verify token is checked when one is configured),
 * `validationToken`, and Dropbox's `challenge` (preset dropbox).
 * @param query the raw query string (without `?`)
 */
export function unsignedHandshake(
	endpoint: HandshakeEndpoint,
	method: string,
	query: string,
): UnsignedHandshake {
	const hs = endpoint.handshake;
	const preset = presetOf(endpoint);
	if ((hs.mode === 'hubChallenge' || preset === 'meta') && method === 'GET') {
		const q = parseQuery(query);
		const challenge = q['hub.challenge'];
		if (typeof challenge !== 'string') return undefined;
		if (hs.verifyToken && !verifyTokenMatches(q['hub.verify_token'], hs.verifyToken))
			return 'forbidden';
		return { status: 200, body: challenge };
	}
	if (preset === 'dropbox' && method === 'GET') {
		const challenge = parseQuery(query).challenge;
		if (typeof challenge === 'string') return { status: 200, body: challenge };
	}
	if (hs.mode === 'validationToken') {
		const token = parseQuery(query).validationToken;
		if (typeof token === 'string') return { status: 200, body: token };
	}
	return undefined;
}

/** Shortest and longest secret a handshake may deliver (characters); Asana sends 64 hex digits. */
const HOOK_SECRET_LENGTH = { min: 8, max: 512 };

/** Result of Asana's handshake check: the secret to store, a malformed one, or no handshake. */
export type HookSecretHandshake = { secret: string } | 'invalid' | undefined;

/**
 * Asana's handshake (preset asana): a POST carrying `X-Hook-Secret`, the secret Asana signs later
 * events with. The caller stores it only while the endpoint waits for one, and answers 200 echoing
 * the header. Answered before auth: the endpoint has no secret yet.
 */
export function hookSecretHandshake(
	endpoint: HandshakeEndpoint,
	method: string,
	headers: AuthRequest['headers'],
): HookSecretHandshake {
	if (presetOf(endpoint) !== 'asana' || method !== 'POST') return undefined;
	const values = headerValues(headers, 'x-hook-secret');
	if (values.length === 0) return undefined;
	const secret = values[0].trim();
	if (
		values.length > 1 ||
		secret.length < HOOK_SECRET_LENGTH.min ||
		secret.length > HOOK_SECRET_LENGTH.max ||
		!/^[\x21-\x7e]+$/.test(secret)
	)
		return 'invalid';
	return { secret };
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Zoom's CRC answer: `encryptedToken` = hex HMAC-SHA256(secret token, plainToken), with the
 * active secret that signed this request (so it stays right during a rotation).
 */
function zoomAnswer(
	endpoint: SignedHandshakeEndpoint,
	req: AuthRequest,
	plainToken: string,
	nowMs: number,
): HandshakeAnswer | undefined {
	const tolerance =
		endpoint.auth.type === 'hmac'
			? (endpoint.auth.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)
			: DEFAULT_TOLERANCE_SECONDS;
	const secret = activeSecrets(endpoint.secrets, nowMs).find(
		(s) => verifyZoom(req, [s], nowMs, tolerance).ok,
	);
	if (secret === undefined) return undefined;
	const encryptedToken = createHmac('sha256', secret).update(plainToken, 'utf8').digest('hex');
	return { status: 200, body: { plainToken, encryptedToken } };
}

type SignedHandshakeEndpoint = Pick<EndpointRecord, 'handshake' | 'auth' | 'secrets'>;

/**
 * Handshakes inside a request that already passed authentication, answered instead of storing
 * it: Slack `url_verification` (mode slack or preset slack), Zoom `endpoint.url_validation`,
 * Twitch `webhook_callback_verification` and Discord's PING.
 * @param req the verified request; @param body its parsed body; @param nowMs ms since the epoch
 */
export function signedHandshake(
	endpoint: SignedHandshakeEndpoint,
	req: AuthRequest,
	body: unknown,
	nowMs: number,
): HandshakeAnswer | undefined {
	const preset = presetOf(endpoint);
	if (!isObject(body)) return undefined;
	if (
		(endpoint.handshake.mode === 'slack' || preset === 'slack') &&
		body.type === 'url_verification' &&
		typeof body.challenge === 'string'
	) {
		return { status: 200, body: { challenge: body.challenge } };
	}
	if (
		preset === 'zoom' &&
		body.event === 'endpoint.url_validation' &&
		isObject(body.payload) &&
		typeof body.payload.plainToken === 'string'
	) {
		return zoomAnswer(endpoint, req, body.payload.plainToken, nowMs);
	}
	if (preset === 'twitch' && typeof body.challenge === 'string') {
		const type = headerValues(req.headers, 'twitch-eventsub-message-type')[0];
		if (type === 'webhook_callback_verification') return { status: 200, body: body.challenge };
	}
	if (preset === 'discord') {
		// Interactions endpoint: PING is type 1 without an event; webhook events: PING is type 0.
		if (body.type === 1 && !('event' in body)) return { status: 200, body: { type: 1 } };
		if (body.type === 0) return { status: 204, body: '' };
	}
	return undefined;
}
