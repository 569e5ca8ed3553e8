/**
 * The sender's address for the IP allow-list and the stored event, with express's "trust proxy"
 * semantics (WEBHOOK_GATEWAY_TRUST_PROXY: false, true, a hop count, or addresses/CIDRs of the
 * proxies), so the ingest fast path and express agree.
 */
import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';

export type TrustFn = (address: string, hop: number) => boolean;

/** Compiles a trust-proxy setting the way express does. */
export function compileTrust(setting: boolean | number | string): TrustFn {
	if (setting === true) return () => true;
	if (setting === false) return () => false;
	if (typeof setting === 'number') return (_address, hop) => hop < setting;
	return proxyaddr.compile(
		setting
			.split(',')
			.map((v) => v.trim())
			.filter(Boolean),
	);
}

/** The client address, IPv4-mapped IPv6 written as plain IPv4. */
export function clientIp(req: IncomingMessage, trust: TrustFn): string {
	const ip = proxyaddr(req, trust) ?? req.socket.remoteAddress ?? '';
	return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}
