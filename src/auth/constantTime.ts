/**
 * Constant-time comparisons for secrets and signatures. Nothing in `src/auth` compares a secret
 * or a signature any other way.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SignatureEncoding } from '../types';

/** Per-process key: the digests compared below are useless outside this process. */
const COMPARE_KEY = randomBytes(32);

function compareDigest(value: string | Buffer): Buffer {
	return createHmac('sha256', COMPARE_KEY).update(value).digest();
}

/**
 * Whether two strings (e.g. a presented token and a stored secret) are equal, in time that
 * depends on neither content nor length: both sides are reduced to fixed-length HMACs first.
 */
export function secretsEqual(presented: string | Buffer, expected: string | Buffer): boolean {
	return timingSafeEqual(compareDigest(presented), compareDigest(expected));
}

/**
 * Whether `presented` equals `expected` (a digest we computed). The length check only reveals
 * the digest length, which is public (it follows from the algorithm).
 */
export function bytesEqual(presented: Buffer, expected: Buffer): boolean {
	if (presented.length !== expected.length) return false;
	return timingSafeEqual(presented, expected);
}

const HEX = /^(?:[0-9a-fA-F]{2})+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;

/**
 * Decodes a signature as sent (hex: either case; base64: standard alphabet, padding optional); undefined
 * when it is not valid in that encoding, so garbled input fails instead of half-decoding.
 */
export function decodeSignature(text: string, encoding: SignatureEncoding): Buffer | undefined {
	if (text === '') return undefined;
	if (encoding === 'hex') return HEX.test(text) ? Buffer.from(text, 'hex') : undefined;
	return BASE64.test(text) ? Buffer.from(text, 'base64') : undefined;
}
