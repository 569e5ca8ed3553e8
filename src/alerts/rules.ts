/**
 * Alert rules of the Webhook Gateway Alert Trigger (docs/alerts.md): what a rule says and whether
 * it holds, as pure functions over figures read from the stores (figures.ts). No I/O here, so each
 * rule is unit-tested with plain numbers.
 */
import type { ServerFinding } from '../redis/serverCheck';

/** Rejection outcomes counted by the "rejected requests" rule: everything that is not a success or a probe. */
const NOT_REJECTED = new Set(['accepted', 'duplicate', 'handshake', 'head', 'options']);

export type AlertRule =
	/** More than `threshold` dead letters on an endpoint. */
	| { kind: 'deadLetters'; endpointId?: string; threshold: number }
	/** Buffer above `percent` % of its capacity in events or bytes. */
	| { kind: 'bufferFill'; endpointId?: string; measure: 'events' | 'bytes'; percent: number }
	/** Account's accepted requests today above `percent` % of its plan's daily limit. */
	| { kind: 'dailyUsage'; accountId?: string; percent: number }
	/** No accepted event on an endpoint for `minutes` minutes. */
	| { kind: 'silence'; endpointId?: string; minutes: number }
	/** Rejected requests on an endpoint above `perMinute` per minute since the previous poll. */
	| { kind: 'rejections'; endpointId?: string; perMinute: number }
	/** The Redis server check (version, maxmemory-policy, persistence) reports a risk. */
	| { kind: 'redisCheck' };

export type AlertKind = AlertRule['kind'];

/** Figures of one endpoint, as read for one poll. */
export interface EndpointFigures {
	endpointId: string;
	accountId: string;
	deadLetters: number;
	bufferEvents: number;
	bufferCapacity: number;
	bufferBytes: number;
	bufferMaxBytes: number;
	/** ms since the epoch of the newest accepted event, or of the endpoint's creation when none yet. */
	lastAcceptedMs: number;
	/** Whether lastAcceptedMs is an event (false: the endpoint's creation time). */
	hasAccepted: boolean;
	/** Rejected requests per minute since the previous poll; null on the first poll. */
	rejectedPerMinute: number | null;
}

export interface AccountFigures {
	accountId: string;
	planId: string;
	acceptedToday: number;
	/** null: the plan has no daily limit (the rule never holds). */
	dailyLimit: number | null;
}

export interface AlertFigures {
	nowMs: number;
	endpoints: EndpointFigures[];
	accounts: AccountFigures[];
	/** undefined when no rule needs it. */
	redis?: { notReady?: string; findings: ServerFinding[] };
}

/** One rule evaluated for one target (an endpoint, an account, or Redis). */
export interface Condition {
	/** Stable id of the episode: rule id + target. */
	key: string;
	ruleId: string;
	kind: AlertKind;
	endpointId?: string;
	accountId?: string;
	holds: boolean;
	/** The figures behind the decision, as the alert item shows them. */
	figures: Record<string, unknown>;
	threshold: Record<string, unknown>;
	/** One line a person reads in Slack or an e-mail subject. */
	message: string;
}

/** A rule's stable id: its kind and settings, so that changing a threshold starts new episodes. */
export function ruleId(rule: AlertRule): string {
	const { kind, ...rest } = rule;
	const parts = Object.entries(rest)
		.filter(([, v]) => v !== undefined && v !== '')
		.sort(([a], [b]) => a.localeCompare(b))
		.map(([k, v]) => `${k}=${String(v)}`);
	return [kind, ...parts].join(',');
}

/** Sums the rejected outcomes of hourly statistics (outcome → count). */
export function rejectedCount(counts: Record<string, number>): number {
	let n = 0;
	for (const [outcome, count] of Object.entries(counts)) if (!NOT_REJECTED.has(outcome)) n += count;
	return n;
}

/**
 * Rejections per minute between two readings of hourly totals (hour index → rejected), taken
 * `elapsedMs` apart: hours the previous reading lacked count whole (a new hour started).
 * @returns null when no time passed
 */
export function ratePerMinute(
	previous: Record<string, number>,
	current: Record<string, number>,
	elapsedMs: number,
): number | null {
	if (!(elapsedMs > 0)) return null;
	let delta = 0;
	for (const [hour, count] of Object.entries(current))
		delta += Math.max(0, count - (previous[hour] ?? 0));
	return (delta * 60_000) / elapsedMs;
}

const percentOf = (value: number, of: number) =>
	of > 0 ? Math.round((value / of) * 1000) / 10 : 0;

function endpointCondition(
	rule: Exclude<AlertRule, { kind: 'dailyUsage' | 'redisCheck' }>,
	id: string,
	e: EndpointFigures,
	nowMs: number,
): Condition {
	const base = {
		key: `${id}|e:${e.endpointId}`,
		ruleId: id,
		kind: rule.kind,
		endpointId: e.endpointId,
		accountId: e.accountId,
	};
	switch (rule.kind) {
		case 'deadLetters':
			return {
				...base,
				holds: e.deadLetters > rule.threshold,
				figures: { deadLetters: e.deadLetters },
				threshold: { deadLetters: rule.threshold },
				message: `Endpoint ${e.endpointId} has ${e.deadLetters} dead letters (alert above ${rule.threshold})`,
			};
		case 'bufferFill': {
			const [used, capacity] =
				rule.measure === 'events'
					? [e.bufferEvents, e.bufferCapacity]
					: [e.bufferBytes, e.bufferMaxBytes];
			const percent = percentOf(used, capacity);
			return {
				...base,
				holds: capacity > 0 && (used / capacity) * 100 > rule.percent,
				figures: { measure: rule.measure, used, capacity, percent },
				threshold: { percent: rule.percent },
				message: `Endpoint ${e.endpointId}'s buffer is ${percent} % full (${used} of ${capacity} ${rule.measure}; alert above ${rule.percent} %)`,
			};
		}
		case 'silence': {
			const silentMinutes = Math.floor((nowMs - e.lastAcceptedMs) / 60_000);
			const since = new Date(e.lastAcceptedMs).toISOString();
			return {
				...base,
				holds: nowMs - e.lastAcceptedMs >= rule.minutes * 60_000,
				figures: { silentMinutes, [e.hasAccepted ? 'lastAcceptedAt' : 'createdAt']: since },
				threshold: { minutes: rule.minutes },
				message: `Endpoint ${e.endpointId} accepted no event for ${silentMinutes} minutes (alert at ${rule.minutes})`,
			};
		}
		case 'rejections': {
			const rate = e.rejectedPerMinute === null ? null : Math.round(e.rejectedPerMinute * 10) / 10;
			return {
				...base,
				holds: rate !== null && rate > rule.perMinute,
				figures: { rejectedPerMinute: rate },
				threshold: { perMinute: rule.perMinute },
				message: `Endpoint ${e.endpointId} rejected ${rate ?? 0} requests per minute (alert above ${rule.perMinute})`,
			};
		}
	}
}

/**
 * Evaluates every rule on every target it covers (one endpoint, or all endpoints / accounts when
 * the rule names none). Conditions are keyed so that the same rule and target always give the
 * same episode key.
 */
export function evaluateRules(rules: AlertRule[], figures: AlertFigures): Condition[] {
	const out: Condition[] = [];
	for (const rule of rules) {
		const id = ruleId(rule);
		if (rule.kind === 'redisCheck') {
			if (!figures.redis) continue;
			const problems = figures.redis.findings.filter(
				(f) => f.level === 'risk' || f.level === 'fatal',
			);
			out.push({
				key: `${id}|redis`,
				ruleId: id,
				kind: rule.kind,
				holds: figures.redis.notReady !== undefined,
				figures: {
					findings: problems.map((f) => ({
						setting: f.setting,
						level: f.level,
						message: f.message,
					})),
				},
				threshold: {},
				message: figures.redis.notReady
					? `Redis check failing: ${figures.redis.notReady}`
					: 'Redis check passes',
			});
		} else if (rule.kind === 'dailyUsage') {
			for (const a of figures.accounts) {
				if (rule.accountId && a.accountId !== rule.accountId) continue;
				const percent = a.dailyLimit === null ? 0 : percentOf(a.acceptedToday, a.dailyLimit);
				out.push({
					key: `${id}|a:${a.accountId}`,
					ruleId: id,
					kind: rule.kind,
					accountId: a.accountId,
					holds:
						a.dailyLimit !== null &&
						a.dailyLimit > 0 &&
						(a.acceptedToday / a.dailyLimit) * 100 > rule.percent,
					figures: {
						acceptedToday: a.acceptedToday,
						dailyLimit: a.dailyLimit,
						percent,
						plan: a.planId,
					},
					threshold: { percent: rule.percent },
					message: `Account ${a.accountId} used ${percent} % of its daily limit (${a.acceptedToday} of ${a.dailyLimit ?? 'unlimited'}; alert above ${rule.percent} %)`,
				});
			}
		} else {
			for (const e of figures.endpoints) {
				if (rule.endpointId && e.endpointId !== rule.endpointId) continue;
				out.push(endpointCondition(rule, id, e, figures.nowMs));
			}
		}
	}
	return out;
}
