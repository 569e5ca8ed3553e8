/**
 * Endpoint input validation and defaults: ids, methods, dedupe, handshakes, capacity. Auth and
 * IP allow-lists are validated by src/auth.
 */
import { randomBytes } from 'node:crypto';
import { defaultDedupe, validateAuth, validateIpAllowlist } from '../auth';
import { ValidationError } from '../errors';
import {
	INGEST_METHODS,
	type DedupeConfig,
	type EndpointAuth,
	type HandshakeConfig,
	type IngestMethod,
} from '../types';

export const ENDPOINT_ID_RE = /^[a-z0-9][a-z0-9_-]{2,63}$/;
export const ACCOUNT_ID_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
export const DEFAULT_DEDUPE_WINDOW_SECONDS = 86_400;

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** 24 characters from [a-z0-9]: about 124 bits, unguessable. */
export function randomEndpointId(): string {
	const bytes = randomBytes(24);
	let id = '';
	for (const b of bytes) id += ALPHABET[b % 36];
	return id;
}

export function validateEndpointId(id: unknown): string {
	if (typeof id !== 'string' || !ENDPOINT_ID_RE.test(id)) {
		throw new ValidationError(
			`endpoint id must be 3-64 characters from a-z, 0-9, '-' and '_', starting with a letter or digit (got ${JSON.stringify(id)})`,
		);
	}
	return id;
}

export function validateAccountId(id: unknown): string {
	if (typeof id !== 'string' || !ACCOUNT_ID_RE.test(id)) {
		throw new ValidationError(
			`account id must be 1-64 characters from A-Z, a-z, 0-9, '.', '-' and '_' (got ${JSON.stringify(id)})`,
		);
	}
	return id;
}

export function validateMethods(input: unknown): IngestMethod[] {
	if (input === undefined || input === null) return ['POST'];
	const list = (Array.isArray(input) ? input : String(input).split(','))
		.map((m) => String(m).trim().toUpperCase())
		.filter(Boolean);
	if (list.length === 0)
		throw new ValidationError(`methods must name at least one of ${INGEST_METHODS.join(', ')}`);
	for (const m of list) {
		if (!(INGEST_METHODS as readonly string[]).includes(m))
			throw new ValidationError(`method '${m}' is not one of ${INGEST_METHODS.join(', ')}`);
	}
	return [...new Set(list)] as IngestMethod[];
}

/**
 * Dedupe: `undefined` input takes the auth preset's default source (README "Duplicates");
 * `{source:{type:'none'}}` switches it off.
 */
export function validateDedupe(input: unknown, auth: EndpointAuth): DedupeConfig {
	if (input === undefined || input === null)
		return { source: defaultDedupe(auth), windowSeconds: DEFAULT_DEDUPE_WINDOW_SECONDS };
	if (typeof input !== 'object')
		throw new ValidationError('dedupe must be an object {source, windowSeconds}');
	const o = input as Record<string, unknown>;
	const windowSeconds =
		o.windowSeconds === undefined ? DEFAULT_DEDUPE_WINDOW_SECONDS : Number(o.windowSeconds);
	if (!Number.isInteger(windowSeconds) || windowSeconds < 1 || windowSeconds > 30 * 86_400) {
		throw new ValidationError(
			'dedupe.windowSeconds must be a whole number of seconds from 1 to 2592000 (30 days)',
		);
	}
	const src = (o.source ?? defaultDedupe(auth)) as Record<string, unknown>;
	switch (src?.type) {
		case 'none':
			return { source: { type: 'none' }, windowSeconds };
		case 'header': {
			const name = String(src.name ?? '')
				.trim()
				.toLowerCase();
			if (!/^[a-z0-9!#$%&'*+.^_`|~-]{1,100}$/.test(name))
				throw new ValidationError(
					'dedupe.source.name must be a header name such as idempotency-key',
				);
			return { source: { type: 'header', name }, windowSeconds };
		}
		case 'bodyPath': {
			const path = String(src.path ?? '').trim();
			if (!/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/.test(path))
				throw new ValidationError(
					'dedupe.source.path must be a dotted JSON path such as id or data.object.id',
				);
			return { source: { type: 'bodyPath', path }, windowSeconds };
		}
		default:
			throw new ValidationError("dedupe.source.type must be 'none', 'header' or 'bodyPath'");
	}
}

export function validateHandshake(input: unknown): HandshakeConfig {
	if (input === undefined || input === null) return { mode: 'none' };
	const o = (typeof input === 'string' ? { mode: input } : input) as Record<string, unknown>;
	const mode = String(o.mode ?? 'none');
	if (!['none', 'slack', 'hubChallenge', 'validationToken'].includes(mode)) {
		throw new ValidationError(
			"handshake.mode must be 'none', 'slack', 'hubChallenge' or 'validationToken'",
		);
	}
	const verifyToken = o.verifyToken === undefined ? undefined : String(o.verifyToken);
	return { mode: mode as HandshakeConfig['mode'], ...(verifyToken ? { verifyToken } : {}) };
}

export function validateCapacity(input: unknown): number | null {
	if (input === undefined || input === null || input === '') return null;
	const n = Number(input);
	if (!Number.isInteger(n) || n < 1)
		throw new ValidationError(
			'bufferCapacity must be a whole number greater than 0, or null for the gateway default',
		);
	return n;
}

/** Byte capacity of an endpoint buffer: whole bytes >= 1024, or null for the gateway default. */
export function validateMaxBytes(input: unknown): number | null {
	if (input === undefined || input === null || input === '') return null;
	const n = Number(input);
	if (!Number.isInteger(n) || n < 1024)
		throw new ValidationError(
			'bufferMaxBytes must be a whole number of bytes of at least 1024, or null for the gateway default',
		);
	return n;
}

export { validateAuth, validateIpAllowlist };
