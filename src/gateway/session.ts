/**
 * Console sessions, kept server-side in Redis so that they can be ended: signing out deletes the
 * session, and changing the admin token ends every session (each one stores a fingerprint of the
 * token it was opened with). Every gateway sharing the Redis accepts a session any of them opened.
 *
 * The cookie holds `s1.<random id, 32 bytes base64url>` and nothing else. Redis holds, under the
 * HMAC of that id keyed by a random server secret (kept in Redis, never derived from the admin
 * token), the record `{fp, exp}`: fp the HMAC of the admin token under the same secret, exp the
 * expiry in ms. A reader of Redis thus learns neither a usable cookie nor the admin token.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { secretsEqual } from '../auth/constantTime';
import type { SessionStore } from '../redis/sessions';

export { readCookie, SESSION_COOKIE } from '../security/cookies';

/** How long a session lasts (seconds): one working day. */
export const SESSION_MAX_AGE_SECONDS = 8 * 3600;
/**
 * Header (and value) every cookie-authenticated change must carry. A cross-site form cannot set
 * a header, and a cross-site fetch that sets one needs a CORS preflight this gateway never grants,
 * so the header proves the request comes from the console's own pages (CSRF defence, on top of
 * the cookie's SameSite=Strict).
 */
export const CSRF_HEADER = 'x-requested-with';
export const CSRF_VALUE = 'webhook-gateway-console';

const VERSION = 's1';
const ID_BYTES = 32;
const VALUE_RE = /^s1\.[A-Za-z0-9_-]{43}$/;

interface SessionRecord {
	/** base64url HMAC of the admin token the session was opened with. */
	fp: string;
	/** Expiry, ms since the epoch. */
	exp: number;
}

function mac(secret: Buffer, label: string, value: string): string {
	return createHmac('sha256', secret).update(`${label}\n${value}`, 'utf8').digest('base64url');
}

function sameText(a: string, b: string): boolean {
	return secretsEqual(a, b);
}

/** Opens, checks and ends console sessions for one admin token. */
export class ConsoleSessions {
	constructor(
		private readonly store: SessionStore,
		private readonly adminToken: string,
		private readonly now: () => number = Date.now,
	) {}

	private async keys(value: string): Promise<{ key: string; fingerprint: string }> {
		const secret = await this.store.serverSecret();
		return {
			key: mac(secret, 'webhook-gateway console session', value),
			fingerprint: mac(secret, 'webhook-gateway admin token', this.adminToken),
		};
	}

	/** A new session (the cookie value), valid for {@link SESSION_MAX_AGE_SECONDS}. */
	async create(): Promise<string> {
		if (this.adminToken === '') throw new Error('console sessions need an admin token');
		const value = `${VERSION}.${randomBytes(ID_BYTES).toString('base64url')}`;
		const { key, fingerprint } = await this.keys(value);
		const ttlMs = SESSION_MAX_AGE_SECONDS * 1000;
		const record: SessionRecord = { fp: fingerprint, exp: this.now() + ttlMs };
		await this.store.put(key, JSON.stringify(record), ttlMs);
		return value;
	}

	/**
	 * Whether `value` names a live session opened with the current admin token. False for anything
	 * malformed, unknown, expired, signed out, or opened under another admin token (that record is
	 * deleted on sight). Redis errors propagate (the caller answers 503).
	 */
	async verify(value: string | undefined): Promise<boolean> {
		if (this.adminToken === '' || value === undefined || !VALUE_RE.test(value)) return false;
		const { key, fingerprint } = await this.keys(value);
		const raw = await this.store.get(key);
		if (raw === undefined) return false;
		const record = JSON.parse(raw) as SessionRecord;
		if (!sameText(record.fp, fingerprint)) {
			await this.store.delete(key);
			return false;
		}
		return record.exp > this.now();
	}

	/** Ends the session `value` names (signing out); nothing happens for an unknown one. */
	async revoke(value: string | undefined): Promise<void> {
		if (value === undefined || !VALUE_RE.test(value)) return;
		await this.store.delete((await this.keys(value)).key);
	}
}
