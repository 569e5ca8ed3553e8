/**
 * Public-key signatures: Discord (Ed25519 over timestamp + body) and SendGrid's Signed Event
 * Webhook (ECDSA P-256 / SHA-256 over timestamp + body). The endpoint's "secret" holds the
 * provider's public key; it is not secret, but it is configured and rotated the same way.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { decodeSignature } from './constantTime';
import { timestampProblem } from './hmac';
import { OK, fail, headerValues, type AuthRequest, type AuthResult } from './request';

/** DER prefix of an Ed25519 SubjectPublicKeyInfo; the 32 raw key bytes follow. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** Parsed keys by their configured text, so a request does not parse the key again (bounded). */
const keyCache = new Map<string, KeyObject | null>();
const KEY_CACHE_MAX = 256;

function cachedKey(text: string, parse: (text: string) => KeyObject): KeyObject | undefined {
	let key = keyCache.get(text);
	if (key === undefined) {
		try {
			key = parse(text);
		} catch {
			// A key that does not parse can verify nothing; remembered as null, reported as invalid_public_key.
			key = null;
		}
		if (keyCache.size >= KEY_CACHE_MAX) keyCache.clear();
		keyCache.set(text, key);
	}
	return key ?? undefined;
}

/** An Ed25519 public key given as 64 hex characters (as Discord shows it). */
export function ed25519Key(hex: string): KeyObject | undefined {
	return cachedKey(`ed25519:${hex}`, () => {
		const raw = decodeSignature(hex.trim(), 'hex');
		if (raw?.length !== 32) throw new Error('not 32 bytes');
		return createPublicKey({
			key: Buffer.concat([ED25519_SPKI_PREFIX, raw]),
			format: 'der',
			type: 'spki',
		});
	});
}

/** An EC public key as SendGrid shows it (base64 DER SubjectPublicKeyInfo) or as PEM. */
export function ecdsaKey(text: string): KeyObject | undefined {
	return cachedKey(`ecdsa:${text}`, () => {
		const trimmed = text.trim();
		if (trimmed.startsWith('-----BEGIN')) return createPublicKey(trimmed);
		const der = decodeSignature(trimmed, 'base64');
		if (!der) throw new Error('not base64');
		return createPublicKey({ key: der, format: 'der', type: 'spki' });
	});
}

/** Verifies `timestamp + body` with each configured key; `keyFor` parses a key, `algorithm` null for Ed25519. */
function verifyTimestampAndBody(
	req: AuthRequest,
	keys: string[],
	nowMs: number,
	tolerance: number,
	names: { signature: string; timestamp: string; encoding: 'hex' | 'base64' },
	keyFor: (text: string) => KeyObject | undefined,
	algorithm: string | null,
): AuthResult {
	const signatureText = headerValues(req.headers, names.signature)[0]?.trim();
	if (signatureText === undefined) return fail('missing_signature');
	const timestamp = headerValues(req.headers, names.timestamp)[0]?.trim();
	if (timestamp === undefined) return fail('missing_timestamp');
	const problem = timestampProblem(timestamp, nowMs, tolerance);
	if (problem) return fail(problem);
	const signature = decodeSignature(signatureText, names.encoding);
	if (!signature) return fail('invalid_signature');
	const signed = Buffer.concat([Buffer.from(timestamp, 'latin1'), req.rawBody]);
	let anyKey = false;
	for (const text of keys) {
		const key = keyFor(text);
		if (!key) continue;
		anyKey = true;
		try {
			if (verify(algorithm, signed, key, signature)) return OK;
		} catch {
			// A signature of the wrong shape for the key type fails verification; try the next key.
			continue;
		}
	}
	return fail(anyKey ? 'invalid_signature' : 'invalid_public_key');
}

/** Discord: `X-Signature-Ed25519` (hex) over `X-Signature-Timestamp` + body, with the application's public key. */
export function verifyDiscord(
	req: AuthRequest,
	keys: string[],
	nowMs: number,
	tolerance: number,
): AuthResult {
	const names = {
		signature: 'x-signature-ed25519',
		timestamp: 'x-signature-timestamp',
		encoding: 'hex' as const,
	};
	return verifyTimestampAndBody(req, keys, nowMs, tolerance, names, ed25519Key, null);
}

/** SendGrid: `X-Twilio-Email-Event-Webhook-Signature` (base64 DER ECDSA) over `…-Timestamp` + body. */
export function verifySendgrid(
	req: AuthRequest,
	keys: string[],
	nowMs: number,
	tolerance: number,
): AuthResult {
	const names = {
		signature: 'x-twilio-email-event-webhook-signature',
		timestamp: 'x-twilio-email-event-webhook-timestamp',
		encoding: 'base64' as const,
	};
	return verifyTimestampAndBody(req, keys, nowMs, tolerance, names, ecdsaKey, 'sha256');
}
