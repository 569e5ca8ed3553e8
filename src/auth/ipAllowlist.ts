/**
 * The per-endpoint IP allow-list (README "Authentication (per endpoint)"): validation of its CIDR entries and the check of
 * a request's source address, IPv4-mapped IPv6 included, using node's `net.BlockList`.
 */
import { BlockList, isIP } from 'node:net';
import { ValidationError } from '../errors';

/** Most entries one allow-list may hold. */
export const MAX_ALLOWLIST_ENTRIES = 1000;

interface ParsedEntry {
	address: string;
	prefix: number;
	family: 'ipv4' | 'ipv6';
}

/** Parses `addr` or `addr/prefix`; undefined when it is not a valid IPv4/IPv6 address or CIDR. */
function parseEntry(entry: string): ParsedEntry | undefined {
	const slash = entry.indexOf('/');
	const address = slash < 0 ? entry : entry.slice(0, slash);
	const version = isIP(address);
	if (version === 0 || address.includes('%')) return undefined;
	const family = version === 4 ? 'ipv4' : 'ipv6';
	const max = version === 4 ? 32 : 128;
	if (slash < 0) return { address, prefix: max, family };
	const prefixText = entry.slice(slash + 1);
	if (!/^\d{1,3}$/.test(prefixText)) return undefined;
	const prefix = Number(prefixText);
	return prefix <= max ? { address, prefix, family } : undefined;
}

/**
 * Validates an allow-list: an array of IPv4/IPv6 addresses or CIDRs (`10.0.0.0/8`,
 * `2001:db8::/32`, `203.0.113.7`). Returns the entries trimmed, duplicates removed.
 * @throws ValidationError naming the first bad entry
 */
export function validateIpAllowlist(input: unknown): string[] {
	if (input === undefined || input === null) return [];
	if (!Array.isArray(input))
		throw new ValidationError('ipAllowlist must be an array of IP addresses or CIDRs');
	if (input.length > MAX_ALLOWLIST_ENTRIES) {
		throw new ValidationError(`ipAllowlist may hold at most ${MAX_ALLOWLIST_ENTRIES} entries`);
	}
	const out: string[] = [];
	input.forEach((raw: unknown, i) => {
		const entry = typeof raw === 'string' ? raw.trim() : undefined;
		if (entry === undefined || parseEntry(entry) === undefined) {
			const shown = typeof raw === 'string' ? `'${raw.slice(0, 100)}'` : typeof raw;
			throw new ValidationError(
				`ipAllowlist[${i}] ${shown} is not an IPv4/IPv6 address or CIDR (e.g. 10.0.0.0/8, 2001:db8::/32)`,
			);
		}
		if (!out.includes(entry)) out.push(entry);
	});
	return out;
}

/** Built lists by their entries, so a request does not rebuild the BlockList each time. */
const cache = new Map<string, BlockList>();
const CACHE_LIMIT = 500;

function blockListFor(entries: string[]): BlockList {
	const cacheKey = entries.join(' ');
	let list = cache.get(cacheKey);
	if (list) return list;
	list = new BlockList();
	for (const entry of entries) {
		// Entries are validated on write; one that is not (hand-edited store) just matches nothing.
		const parsed = parseEntry(entry.trim());
		if (parsed) list.addSubnet(parsed.address, parsed.prefix, parsed.family);
	}
	if (cache.size >= CACHE_LIMIT) cache.clear();
	cache.set(cacheKey, list);
	return list;
}

const MAPPED_IPV4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/**
 * Whether `sourceIp` is inside one of the entries. An IPv4-mapped IPv6 address
 * (`::ffff:1.2.3.4`, what a dual-stack server reports) also matches IPv4 entries, and a plain
 * IPv4 address also matches `::ffff:…` entries. An unparsable address is never allowed.
 */
export function ipAllowed(entries: string[], sourceIp: string): boolean {
	const address = sourceIp.trim().replace(/%.*$/, ''); // an IPv6 zone id is local detail
	const version = isIP(address);
	if (version === 0) return false;
	const list = blockListFor(entries);
	if (list.check(address, version === 4 ? 'ipv4' : 'ipv6')) return true;
	const mapped = MAPPED_IPV4.exec(address);
	if (mapped && isIP(mapped[1]) === 4) return list.check(mapped[1], 'ipv4');
	if (version === 4) return list.check(`::ffff:${address}`, 'ipv6');
	return false;
}
