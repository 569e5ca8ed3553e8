/**
 * Human-readable output of the CLI: aligned tables for lists, `key: value` lines for objects and
 * the one-time secret notice. `--json` output bypasses all of this.
 */
import type { EndpointAuth, EndpointView, Plan } from '../types';

/** A cell's text: '-' for nothing, compact JSON for objects. */
export function cell(value: unknown): string {
	if (value === null || value === undefined || value === '') return '-';
	if (Array.isArray(value)) return value.length === 0 ? '-' : value.map(cell).join(',');
	if (typeof value === 'object') return JSON.stringify(value);
	return String(value).replace(/[\r\n\t]+/g, ' ');
}

/** Columns padded to their widest cell, two spaces apart; the last column is not padded. */
export function table(headers: string[], rows: unknown[][]): string {
	const text = [headers, ...rows.map((row) => row.map(cell))];
	const widths = headers.map((_, i) => Math.max(...text.map((row) => (row[i] ?? '').length)));
	return text
		.map((row) =>
			row
				.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i])))
				.join('  ')
				.trimEnd(),
		)
		.join('\n');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `key: value` lines; nested objects indent below their key, arrays of scalars join with ', ',
 * arrays of objects list one compact JSON object per line.
 */
export function details(value: object, indent = ''): string {
	const lines: string[] = [];
	for (const [key, v] of Object.entries(value)) {
		if (v === undefined) continue;
		if (isPlainObject(v)) {
			const keys = Object.keys(v);
			if (keys.length === 0) lines.push(`${indent}${key}: -`);
			else lines.push(`${indent}${key}:`, details(v, `${indent}  `));
		} else if (Array.isArray(v) && v.some((item) => typeof item === 'object' && item !== null)) {
			lines.push(`${indent}${key}:`, ...v.map((item) => `${indent}  - ${JSON.stringify(item)}`));
		} else if (Array.isArray(v)) {
			lines.push(`${indent}${key}: ${v.length === 0 ? '-' : v.map(cell).join(', ')}`);
		} else {
			lines.push(`${indent}${key}: ${cell(v)}`);
		}
	}
	return lines.join('\n');
}

/** One word for an endpoint's authentication, e.g. `hmac:github`, `header:x-api-key`. */
export function authSummary(auth: EndpointAuth): string {
	switch (auth.type) {
		case 'none':
			return 'none';
		case 'header':
			return `header:${auth.headerName}`;
		case 'basic':
			return `basic:${auth.username}`;
		case 'hmac':
			return `hmac:${auth.preset}`;
	}
}

export function endpointTable(endpoints: EndpointView[]): string {
	if (endpoints.length === 0) return 'No endpoints.';
	return table(
		['ID', 'NAME', 'ACCOUNT', 'AUTH', 'METHODS', 'ENABLED', 'URL'],
		endpoints.map((e) => [
			e.id,
			e.name,
			e.accountId,
			authSummary(e.auth),
			e.methods.join(','),
			e.enabled ? 'yes' : 'no',
			e.url,
		]),
	);
}

/** A plan limit: 'none' means no limit. */
export function limit(value: number | null): string {
	return value === null ? 'none' : String(value);
}

/** A rate limit: `2/s`, or `none`. */
export function rateLimit(value: number | null): string {
	return value === null ? 'none' : `${value}/s`;
}

export function planTable(plans: Plan[]): string {
	return table(
		['ID', 'NAME', 'RATE/S', 'BURST', 'DAILY', 'BUILT-IN'],
		plans.map((p) => [
			p.id,
			p.name,
			limit(p.rate),
			limit(p.burst),
			limit(p.daily),
			p.builtIn ? 'yes' : 'no',
		]),
	);
}

export function planDetails(plan: Plan): string {
	return details({
		...plan,
		rate: limit(plan.rate),
		burst: limit(plan.burst),
		daily: limit(plan.daily),
	});
}

/** The secret with the warning that it will not be shown again. */
export function secretNotice(secret: string): string {
	return [
		`secret: ${secret}`,
		'  ^ shown once, store it now: it cannot be displayed again (rotate it to get a new one).',
	].join('\n');
}

/** An endpoint's fields, one per line. */
export function endpointDetails(endpoint: EndpointView): string {
	const { acceptResponse, ...rest } = endpoint;
	const answer = acceptResponse
		? `${acceptResponse.status} ${acceptResponse.contentType} (${Buffer.byteLength(acceptResponse.body)} bytes)`
		: 'default (202 JSON)';
	const limits = endpoint.limits
		? `rate ${rateLimit(endpoint.limits.rate)}, burst ${limit(endpoint.limits.burst)}, daily ${limit(endpoint.limits.daily)}`
		: "- (only the account's plan)";
	return details({
		...rest,
		bufferCapacity: endpoint.bufferCapacity ?? 'default',
		bufferMaxBytes: endpoint.bufferMaxBytes ?? 'default',
		limits,
		acceptResponse: answer,
	});
}

/** An endpoint (and a secret, when the operation produced one). */
export function endpointWithSecret(result: {
	endpoint: EndpointView;
	secret?: string;
	previousValidUntil?: string | null;
}): string {
	const parts = [endpointDetails(result.endpoint)];
	if (result.previousValidUntil !== undefined) {
		parts.push(`previous secret valid until: ${result.previousValidUntil ?? '- (revoked now)'}`);
	}
	if (result.secret !== undefined) parts.push('', secretNotice(result.secret));
	return parts.join('\n');
}
