/**
 * The gateway's own cookies, and how ingest removes them from stored events: a browser that is
 * signed in to the console must never leave its session in an event that every workflow and
 * execution log can read (docs/security.md).
 */

/** Name of the console's session cookie. */
export const SESSION_COOKIE = 'wgw_session';

/** Cookies the gateway sets itself; never stored with an event. */
const GATEWAY_COOKIES = new Set([SESSION_COOKIE]);

/** The value of cookie `name` in a `Cookie` request header, or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
	if (!header) return undefined;
	for (const pair of header.split(';')) {
		const eq = pair.indexOf('=');
		if (eq > 0 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
	}
	return undefined;
}

/**
 * A `Cookie` header without the gateway's own cookies, in the order given; undefined when none
 * is left. Other cookies (the sender's) are kept as they came.
 */
export function withoutGatewayCookies(header: string): string | undefined {
	const kept = header
		.split(';')
		.filter((pair) => {
			const eq = pair.indexOf('=');
			const name = (eq === -1 ? pair : pair.slice(0, eq)).trim();
			return name !== '' && !GATEWAY_COOKIES.has(name);
		})
		.map((pair) => pair.trim());
	return kept.length === 0 ? undefined : kept.join('; ');
}
