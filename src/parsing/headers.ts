/**
 * Header helpers for ingest: which request headers are stored with an event (README "The event a workflow receives":
 * lower-case, the endpoint's credential headers removed) and the reading of a Content-Type
 * (media type and parameters), used to pick and configure a body parser.
 */
import { parse } from 'content-type';

import { withoutGatewayCookies } from '../security/cookies';

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1): they describe one connection, not the webhook, so a
 * workflow has no use for them. `host` is end-to-end and stays.
 */
const HOP_BY_HOP = new Set([
	'connection',
	'keep-alive',
	'proxy-authorization',
	'te',
	'trailer',
	'transfer-encoding',
	'upgrade',
]);

/**
 * The headers to store with an event.
 *
 * @param raw - Request headers as node gives them (`req.headers`); names in any case, a value may
 *   be a list (e.g. `set-cookie`) or undefined.
 * @param drop - Header names to remove, in any case: the credential headers of the endpoint's
 *   authentication (e.g. `authorization`, `x-api-key`), so no secret lands in Redis. A Set is used
 *   as it is and must hold lower-case names (callers that keep one per endpoint save its building).
 * @returns A plain object with lower-case names sorted by name; repeated values (a list, or names
 *   differing only in case) joined with ", " in arrival order. Hop-by-hop headers are removed;
 *   `host` is kept; the gateway's own cookies are removed from `cookie` (the header too when
 *   nothing else is left).
 */
export function storedHeaders(
	raw: Record<string, string | string[] | undefined>,
	drop: readonly string[] | ReadonlySet<string>,
): Record<string, string> {
	const dropped: ReadonlySet<string> =
		drop instanceof Set
			? drop
			: new Set((drop as readonly string[]).map((name) => name.toLowerCase()));
	// One string per name; a list only once a name repeats (this runs on every accepted request).
	// A prototype-less object keeps a header named `__proto__` an ordinary key.
	const values: Record<string, string | string[]> = Object.create(null) as Record<
		string,
		string | string[]
	>;
	const names: string[] = [];
	for (const rawName of Object.keys(raw)) {
		const value = raw[rawName];
		if (value === undefined) continue;
		const name = rawName.toLowerCase();
		if (dropped.has(name) || HOP_BY_HOP.has(name)) continue;
		const prev = values[name];
		if (prev === undefined) {
			names.push(name);
			// A list is copied, so that the later pushes below never change the caller's.
			values[name] = typeof value === 'string' ? value : value.length === 1 ? value[0] : [...value];
		} else {
			const list = typeof prev === 'string' ? [prev] : prev;
			if (typeof value === 'string') list.push(value);
			else list.push(...value);
			values[name] = list;
		}
	}
	// The console's session cookie is the gateway's, not the sender's: never stored.
	const cookies = values.cookie;
	if (cookies !== undefined) {
		const kept = (typeof cookies === 'string' ? [cookies] : cookies)
			.map(withoutGatewayCookies)
			.filter((c): c is string => c !== undefined);
		if (kept.length === 0) {
			delete values.cookie;
			names.splice(names.indexOf('cookie'), 1);
		} else values.cookie = kept;
	}
	const stored: Record<string, string> = {};
	for (const name of names.sort()) {
		const value = values[name];
		const text = typeof value === 'string' ? value : value.join(', ');
		// A header literally named `__proto__` must stay a header and never replace the object's
		// prototype: defineProperty for it, plain (faster) assignment for every other name.
		if (name === '__proto__')
			Object.defineProperty(stored, name, {
				value: text,
				enumerable: true,
				writable: true,
				configurable: true,
			});
		else stored[name] = text;
	}
	return stored;
}

/** A Content-Type value split into its media type and parameters. */
export interface ContentTypeParts {
	/** Media type, trimmed and lower-case (`application/json`); '' when absent or empty. */
	type: string;
	/** Parameters by lower-case name, quotes and escapes removed, values as sent; first wins. */
	parameters: Readonly<Record<string, string>>;
}

/**
 * Splits a Content-Type value with the `content-type` package, which reads quoted parameters
 * (`boundary="a;b"`, `charset="utf-8"`) that a split on ';' breaks. Version 2 of that parser is
 * lax and does not throw on header text; should it ever throw, the value is read the way the
 * gateway always did (the media type before the first ';', no parameters), so that no webhook
 * accepted before is refused because of a stricter parser.
 */
export function parseContentType(contentType: string | undefined): ContentTypeParts {
	if (contentType === undefined) return { type: '', parameters: {} };
	try {
		const { type, parameters } = parse(contentType);
		// A plain object: the parser's null-prototype one surprises deepEqual and spreads alike.
		return { type: type.trim(), parameters: { ...parameters } };
	} catch {
		// Not a failure to hide: the fallback above is the documented reading of a malformed value.
		const semicolon = contentType.indexOf(';');
		const type = semicolon === -1 ? contentType : contentType.slice(0, semicolon);
		return { type: type.trim().toLowerCase(), parameters: {} };
	}
}

/**
 * The media type of a Content-Type value: without parameters, trimmed and lower-case
 * (`Application/JSON; charset=UTF-8` → `application/json`); '' when absent or empty.
 */
export function mediaType(contentType: string | undefined): string {
	return parseContentType(contentType).type;
}
