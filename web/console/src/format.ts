/** Small pure helpers: request outcomes grouped the way the console shows them, times, numbers. */
import type { HourStats } from './types';

/** Outcomes that are neither accepted nor rejected: answered without storing anything. */
const NEUTRAL = new Set(['accepted', 'duplicate', 'handshake', 'head', 'options']);

/** Rejection columns of the console: HTTP status → the outcome codes counted under it. */
export const REJECTION_GROUPS: { label: string; status: string; codes: string[] }[] = [
	{
		label: '403',
		status: 'Forbidden: failed authentication or endpoint disabled',
		codes: ['unauthorized', 'endpoint_disabled'],
	},
	{
		label: '429',
		status: "Too many requests: the plan's or the endpoint's own rate, burst or daily limit",
		codes: [
			'rate_limited',
			'daily_limit_exceeded',
			'endpoint_rate_limited',
			'endpoint_daily_limit_exceeded',
		],
	},
	{ label: '413', status: 'Payload too large', codes: ['payload_too_large'] },
];

/** Whether an outcome code is a rejection (an error answer to the sender). */
export function isRejection(outcome: string): boolean {
	return !NEUTRAL.has(outcome);
}

/** Sums the counts of the hours that started at or after `sinceMs`. */
export function sumSince(hours: HourStats[], sinceMs: number): Record<string, number> {
	const total: Record<string, number> = {};
	for (const h of hours) {
		if (Date.parse(h.hour) < sinceMs) continue;
		for (const [outcome, n] of Object.entries(h.counts)) total[outcome] = (total[outcome] ?? 0) + n;
	}
	return total;
}

/** Start of the current UTC day (the daily limit's day), ms since the epoch. */
export function startOfUtcDay(nowMs = Date.now()): number {
	return Math.floor(nowMs / 86_400_000) * 86_400_000;
}

export function countOf(counts: Record<string, number>, codes: string[]): number {
	return codes.reduce((sum, code) => sum + (counts[code] ?? 0), 0);
}

export function rejectedCount(counts: Record<string, number>): number {
	return Object.entries(counts).reduce(
		(sum, [outcome, n]) => sum + (isRejection(outcome) ? n : 0),
		0,
	);
}

/** "3 s", "5 min", "2 h", "4 d" since `iso`; '—' for none. */
export function age(iso: string | null, nowMs = Date.now()): string {
	if (!iso) return '—';
	const seconds = Math.max(0, Math.round((nowMs - Date.parse(iso)) / 1000));
	if (seconds < 60) return `${seconds} s`;
	if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
	if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h`;
	return `${Math.floor(seconds / 86_400)} d`;
}

/** Local date and time of an ISO instant, to the second. */
export function dateTime(iso: string): string {
	return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

export function limitText(limit: number | null): string {
	return limit === null ? 'no limit' : String(limit);
}

/** JSON for reading, two-space indented; text as it is. */
export function pretty(value: unknown): string {
	return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

/** HTTP status the gateway answers for each outcome code (README "What a sender gets back"). */
const STATUS_OF: Record<string, number> = {
	duplicate: 200,
	invalid_body: 400,
	unauthorized: 403,
	endpoint_disabled: 403,
	endpoint_not_found: 404,
	method_not_allowed: 405,
	payload_too_large: 413,
	rate_limited: 429,
	daily_limit_exceeded: 429,
	endpoint_rate_limited: 429,
	endpoint_daily_limit_exceeded: 429,
	internal_error: 500,
	buffer_full: 503,
	store_unavailable: 503,
};

/** Rows of "rejections by reason": the fixed reasons (even at 0), then any other seen, by status. */
export function reasonRows(
	counts: Record<string, number>,
): { status: number | null; outcome: string; count: number }[] {
	const fixed = [...REJECTION_GROUPS.flatMap((g) => g.codes), 'duplicate'];
	const others = Object.keys(counts).filter((o) => isRejection(o) && !fixed.includes(o));
	return [...fixed, ...others]
		.map((outcome) => ({
			status: STATUS_OF[outcome] ?? null,
			outcome,
			count: counts[outcome] ?? 0,
		}))
		.sort(
			(a, b) =>
				(a.outcome === 'duplicate' ? 1 : 0) - (b.outcome === 'duplicate' ? 1 : 0) ||
				(a.status ?? 999) - (b.status ?? 999),
		);
}

/** Bytes as MiB with one decimal, e.g. "12.5 MiB". */
export function mebibytes(bytes: number): string {
	return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
