/**
 * Validation and normalisation of an endpoint's auth configuration as a user or API sends it:
 * header names lower-cased, defaults filled in, every mistake reported as a ValidationError that
 * names the field.
 */
import { ValidationError } from '../errors';
import type { EndpointAuth, HmacAlgorithm, HmacPreset, SignatureEncoding } from '../types';
import {
	DEFAULT_TOLERANCE_SECONDS,
	HMAC_ALGORITHMS,
	MAX_TOLERANCE_SECONDS,
	SIGNATURE_ENCODINGS,
	isTimestampPreset,
} from './presets';
import { PRESET_IDS, presetInfo } from './catalog';

const AUTH_TYPES = ['none', 'header', 'basic', 'hmac'] as const;
const PRESETS: readonly HmacPreset[] = PRESET_IDS;
/** Fields of any auth variant; one a variant does not use is ignored, an unknown one rejected. */
const KNOWN_FIELDS = [
	'type',
	'headerName',
	'prefix',
	'username',
	'preset',
	'header',
	'algorithm',
	'encoding',
	'toleranceSeconds',
];

/** RFC 9110 token characters, lower-case. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;
/** Printable ASCII plus space: what a prefix such as `Bearer ` or `sha256=` may contain. */
const PRINTABLE = /^[\x20-\x7e]*$/;
const MAX_TEXT = 256;

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
	if (typeof value === 'string' && (allowed as readonly string[]).includes(value))
		return value as T;
	const shown = typeof value === 'string' ? `'${value.slice(0, 50)}'` : String(value);
	throw new ValidationError(`${field} must be one of ${allowed.join(', ')} (got ${shown})`);
}

function headerName(value: unknown, field: string): string {
	if (typeof value !== 'string' || value.trim() === '')
		throw new ValidationError(`${field} is required: a header name`);
	const name = value.trim().toLowerCase();
	if (name.length > MAX_TEXT || !HEADER_NAME.test(name)) {
		throw new ValidationError(`${field} '${value.slice(0, 50)}' is not a valid HTTP header name`);
	}
	return name;
}

function prefix(value: unknown, fallback: string, field: string): string {
	if (value === undefined || value === null) return fallback;
	if (typeof value !== 'string' || value.length > MAX_TEXT || !PRINTABLE.test(value)) {
		throw new ValidationError(
			`${field} must be printable ASCII text of at most ${MAX_TEXT} characters`,
		);
	}
	return value;
}

function tolerance(value: unknown, fallback: number): number {
	if (value === undefined || value === null) return fallback;
	if (
		typeof value !== 'number' ||
		!Number.isInteger(value) ||
		value <= 0 ||
		value > MAX_TOLERANCE_SECONDS
	) {
		throw new ValidationError(
			`auth.toleranceSeconds must be a positive whole number of seconds, at most ${MAX_TOLERANCE_SECONDS}`,
		);
	}
	return value;
}

function username(value: unknown): string {
	if (typeof value !== 'string' || value === '')
		throw new ValidationError('auth.username is required for basic auth');
	if (value.length > MAX_TEXT || value.includes(':') || /[\x00-\x1f\x7f]/.test(value)) {
		throw new ValidationError(
			`auth.username must be at most ${MAX_TEXT} characters without ':' or control characters`,
		);
	}
	return value;
}

function hmacAuth(input: Record<string, unknown>): EndpointAuth {
	if (input.preset === undefined) {
		throw new ValidationError(`auth.preset is required for hmac: one of ${PRESETS.join(', ')}`);
	}
	const preset = oneOf(input.preset, PRESETS, 'auth.preset');
	if (preset === 'generic') {
		const algorithm: HmacAlgorithm =
			input.algorithm === undefined
				? 'sha256'
				: oneOf(lowerIfString(input.algorithm), HMAC_ALGORITHMS, 'auth.algorithm');
		const encoding: SignatureEncoding =
			input.encoding === undefined
				? 'hex'
				: oneOf(lowerIfString(input.encoding), SIGNATURE_ENCODINGS, 'auth.encoding');
		return {
			type: 'hmac',
			preset,
			header: headerName(input.header, 'auth.header'),
			algorithm,
			encoding,
			prefix: prefix(input.prefix, '', 'auth.prefix'),
		};
	}
	if (preset === 'postmark') {
		return {
			type: 'hmac',
			preset,
			username: input.username === undefined ? 'postmark' : username(input.username),
		};
	}
	if (isTimestampPreset(preset)) {
		const fallback = presetInfo(preset)?.defaultToleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
		return { type: 'hmac', preset, toleranceSeconds: tolerance(input.toleranceSeconds, fallback) };
	}
	return { type: 'hmac', preset };
}

function lowerIfString(value: unknown): unknown {
	return typeof value === 'string' ? value.trim().toLowerCase() : value;
}

/**
 * Checks and normalises an auth configuration. Defaults: header token → header `authorization`
 * with prefix `Bearer ` (another header gets no prefix unless one is given); generic HMAC →
 * sha256, hex, no prefix; timestamp presets → the preset's tolerance (300 s unless the catalog
 * says otherwise); postmark → user name `postmark`. Fields the chosen type does not use are
 * dropped; unknown fields are rejected (they are usually typos).
 * @throws ValidationError naming the bad field
 */
export function validateAuth(input: unknown): EndpointAuth {
	if (!isRecord(input)) throw new ValidationError('auth must be an object with a type');
	for (const key of Object.keys(input)) {
		if (!KNOWN_FIELDS.includes(key))
			throw new ValidationError(`auth.${key.slice(0, 50)} is not a known auth field`);
	}
	if (input.type === undefined)
		throw new ValidationError(`auth.type is required: one of ${AUTH_TYPES.join(', ')}`);
	const type = oneOf(input.type, AUTH_TYPES, 'auth.type');
	switch (type) {
		case 'none':
			return { type: 'none' };
		case 'header': {
			const name =
				input.headerName === undefined
					? 'authorization'
					: headerName(input.headerName, 'auth.headerName');
			return {
				type: 'header',
				headerName: name,
				prefix: prefix(input.prefix, name === 'authorization' ? 'Bearer ' : '', 'auth.prefix'),
			};
		}
		case 'basic':
			return { type: 'basic', username: username(input.username) };
		case 'hmac':
			return hmacAuth(input);
	}
}
