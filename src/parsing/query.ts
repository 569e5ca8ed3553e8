/**
 * URL-encoded name/value parsing shared by query strings and `application/x-www-form-urlencoded`
 * bodies (README "The event a workflow receives": `query` and form `body`). Both go through one byte-level parser so a
 * GET webhook's query and a POSTed form give the same shape: repeated names become arrays in
 * order, `a[b]` names stay literal, and no name can reach an object's prototype.
 */
import { TextDecoder } from 'node:util';

const AMPERSAND = 0x26;
const EQUALS = 0x3d;
const PLUS = 0x2b;
const PERCENT = 0x25;
const SPACE = 0x20;

/** Name/value pairs as parsed from a query or form: one value per name, or all of them in order. */
export type FieldMap = Record<string, string | string[]>;

/**
 * Groups name/value pairs into a plain object: the first value of a name is a string, a repeated
 * name becomes an array of its values in order.
 *
 * Every property is defined with `Object.defineProperty`, so names such as `__proto__`,
 * `constructor` or `prototype` become ordinary own data properties: assignment
 * (`obj['__proto__'] = v`) would call the prototype setter instead, which is how
 * prototype pollution starts.
 */
export function collectFields(pairs: Iterable<readonly [string, string]>): FieldMap {
	const grouped = new Map<string, string | string[]>();
	for (const [name, value] of pairs) {
		const existing = grouped.get(name);
		if (existing === undefined) grouped.set(name, value);
		else if (Array.isArray(existing)) existing.push(value);
		else grouped.set(name, [existing, value]);
	}
	const fields: FieldMap = {};
	for (const [name, value] of grouped) {
		Object.defineProperty(fields, name, {
			value,
			enumerable: true,
			writable: true,
			configurable: true,
		});
	}
	return fields;
}

/**
 * Parses `application/x-www-form-urlencoded` bytes as the WHATWG URL standard does: split on `&`
 * then the first `=`, skip empty sequences, `+` is a space, `%XX` is a byte, and a `%` not
 * followed by two hex digits stays literal. The decoded bytes of each name and value are turned
 * into text by `decoder`.
 *
 * @param bytes - The encoded form (a body, or a query string's UTF-8 bytes).
 * @param decoder - Create it with `ignoreBOM: true` so a value starting with U+FEFF keeps it. A
 *   `fatal` decoder makes this throw a `TypeError` on bytes invalid in its encoding; a non-fatal
 *   one substitutes U+FFFD.
 * @throws TypeError from a fatal `decoder` on invalid bytes.
 */
export function parseUrlEncoded(bytes: Uint8Array, decoder: TextDecoder): FieldMap {
	const pairs: Array<[string, string]> = [];
	let start = 0;
	while (start < bytes.length) {
		let end = bytes.indexOf(AMPERSAND, start);
		if (end === -1) end = bytes.length;
		if (end > start) {
			const sequence = bytes.subarray(start, end);
			const equals = sequence.indexOf(EQUALS);
			const name = equals === -1 ? sequence : sequence.subarray(0, equals);
			const value = equals === -1 ? sequence.subarray(0, 0) : sequence.subarray(equals + 1);
			pairs.push([decodeComponent(name, decoder), decodeComponent(value, decoder)]);
		}
		start = end + 1;
	}
	return collectFields(pairs);
}

/**
 * Parses the query part of a URL the same way as form bodies: repeated names become arrays in
 * order, `a[b]` names are kept literally, prototype-safe.
 *
 * @param search - The query without `?` (one leading `?` is tolerated and ignored), as it appears
 *   in the request URL.
 * @returns A plain object; `{}` for an empty query. Percent-encoded bytes that are not valid UTF-8
 *   become U+FFFD (as `URLSearchParams` does): a query cannot be rejected after the request was
 *   accepted, and the raw URL stays available to the workflow.
 */
export function parseQuery(search: string): FieldMap {
	const query = search.startsWith('?') ? search.slice(1) : search;
	return parseUrlEncoded(Buffer.from(query, 'utf8'), lenientUtf8);
}

const lenientUtf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** `+` → space and `%XX` → byte in one pass, then text through `decoder`. */
function decodeComponent(encoded: Uint8Array, decoder: TextDecoder): string {
	const bytes = new Uint8Array(encoded.length);
	let length = 0;
	for (let i = 0; i < encoded.length; i++) {
		const byte = encoded[i];
		if (byte === PLUS) {
			bytes[length++] = SPACE;
		} else if (byte === PERCENT && i + 2 < encoded.length) {
			const high = hexValue(encoded[i + 1]);
			const low = hexValue(encoded[i + 2]);
			if (high === -1 || low === -1) {
				bytes[length++] = byte;
			} else {
				bytes[length++] = high * 16 + low;
				i += 2;
			}
		} else {
			bytes[length++] = byte;
		}
	}
	return decoder.decode(bytes.subarray(0, length));
}

function hexValue(byte: number): number {
	if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
	if (byte >= 0x41 && byte <= 0x46) return byte - 0x41 + 10;
	if (byte >= 0x61 && byte <= 0x66) return byte - 0x61 + 10;
	return -1;
}
