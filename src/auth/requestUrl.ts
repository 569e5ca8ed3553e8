/**
 * The URLs a sender may have signed (Twilio, Square, HubSpot sign the URL they call). The
 * gateway only sees the path, so the scheme and host come from the request's headers: a
 * forwarded proto/host set by a proxy, else `Host` with https and http. Trying each candidate is
 * safe: a signature still needs the secret, so a forged Host gains nothing.
 */
import { headerValues, type AuthRequest } from './request';

/** First value of a possibly comma-separated forwarding header, trimmed. */
function firstForwarded(req: AuthRequest, name: string): string | undefined {
	const value = headerValues(req.headers, name)[0]?.split(',')[0]?.trim();
	return value ? value : undefined;
}

/** The same URL with the scheme's default port added when absent, or removed when present. */
function withOtherPortForm(proto: string, host: string): string {
	const port = proto === 'https' ? '443' : '80';
	if (host.endsWith(`:${port}`)) return host.slice(0, -(port.length + 1));
	return /:\d+$/.test(host) || host.endsWith(']') ? host : `${host}:${port}`;
}

/**
 * Full URLs (scheme, host, path, query) the sender may have signed, most likely first; `[]`
 * when the request carries no URL or no host. At most 4.
 */
export function candidateUrls(req: AuthRequest): string[] {
	if (!req.url) return [];
	const host =
		firstForwarded(req, 'x-forwarded-host') ?? headerValues(req.headers, 'host')[0]?.trim();
	if (!host || /[\s/\\?#@]/.test(host)) return [];
	const forwardedProto = firstForwarded(req, 'x-forwarded-proto')?.toLowerCase();
	const protos =
		forwardedProto === 'http' || forwardedProto === 'https' ? [forwardedProto] : ['https', 'http'];
	const out = new Set<string>();
	for (const proto of protos) out.add(`${proto}://${host}${req.url}`);
	for (const proto of protos) out.add(`${proto}://${withOtherPortForm(proto, host)}${req.url}`);
	return [...out].slice(0, 4);
}
