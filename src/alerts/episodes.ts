/**
 * Episodes of alerts: a condition that starts holding opens an episode (one "firing" item), one
 * that stops holding closes it (one "resolved" item). Pure decisions here; the state lives in
 * Redis (src/redis/alertState.ts), where claiming an episode is atomic, so that a restarted n8n or
 * a second main never fires the same episode twice.
 */
import type { AlertKind, Condition } from './rules';

/** What Redis keeps per open episode. */
export interface EpisodeRecord {
	kind: AlertKind;
	endpointId?: string;
	accountId?: string;
	/** ISO time the episode started (the poll that saw the condition first). */
	since: string;
	figures: Record<string, unknown>;
	threshold: Record<string, unknown>;
}

/** The item the trigger emits. */
export interface AlertItem {
	rule: AlertKind;
	state: 'firing' | 'resolved';
	endpointId?: string;
	accountId?: string;
	message: string;
	figures: Record<string, unknown>;
	threshold: Record<string, unknown>;
	/** When the episode started. */
	since: string;
	/** resolved only. */
	resolvedAt?: string;
	/** Episode key (rule and target), stable across polls. */
	episode: string;
}

export interface Transitions {
	/** Conditions that hold and have no open episode: to claim, then fire. */
	open: { key: string; record: EpisodeRecord; item: AlertItem }[];
	/** Open episodes whose condition no longer holds (or whose rule or target is gone): to close, then resolve. */
	close: { key: string; item: AlertItem }[];
}

/**
 * Compares this poll's conditions with the open episodes.
 * @param open episode key → record, as stored
 */
export function decideTransitions(
	conditions: Condition[],
	open: Map<string, EpisodeRecord>,
	nowMs: number,
): Transitions {
	const now = new Date(nowMs).toISOString();
	const result: Transitions = { open: [], close: [] };
	const holding = new Set<string>();
	for (const c of conditions) {
		if (!c.holds) continue;
		holding.add(c.key);
		if (open.has(c.key)) continue;
		const record: EpisodeRecord = {
			kind: c.kind,
			endpointId: c.endpointId,
			accountId: c.accountId,
			since: now,
			figures: c.figures,
			threshold: c.threshold,
		};
		result.open.push({
			key: c.key,
			record,
			item: {
				rule: c.kind,
				state: 'firing',
				endpointId: c.endpointId,
				accountId: c.accountId,
				message: c.message,
				figures: c.figures,
				threshold: c.threshold,
				since: now,
				episode: c.key,
			},
		});
	}
	const byKey = new Map(conditions.map((c) => [c.key, c]));
	for (const [key, record] of open) {
		if (holding.has(key)) continue;
		const c = byKey.get(key);
		result.close.push({
			key,
			item: {
				rule: record.kind,
				state: 'resolved',
				endpointId: record.endpointId,
				accountId: record.accountId,
				message: c
					? `Resolved: ${c.message}`
					: `Resolved: the ${record.kind} alert's rule or target no longer exists`,
				figures: c?.figures ?? record.figures,
				threshold: c?.threshold ?? record.threshold,
				since: record.since,
				resolvedAt: now,
				episode: key,
			},
		});
	}
	return result;
}

/** The current state without episodes (manual "Fetch Test Event"): every holding condition, or one "ok" line. */
export function currentState(conditions: Condition[], nowMs: number): Record<string, unknown>[] {
	const now = new Date(nowMs).toISOString();
	const firing = conditions.filter((c) => c.holds);
	if (firing.length === 0)
		return [
			{
				state: 'ok',
				message: `No rule holds (${conditions.length} checks)`,
				checkedAt: now,
				checks: conditions.length,
			},
		];
	return firing.map((c) => ({
		rule: c.kind,
		state: 'firing',
		endpointId: c.endpointId,
		accountId: c.accountId,
		message: c.message,
		figures: c.figures,
		threshold: c.threshold,
		since: now,
		episode: c.key,
	}));
}
