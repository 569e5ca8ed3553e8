/**
 * One poll of an Alert Trigger: read the figures, evaluate the rules, and turn changes into
 * items, each transition claimed in Redis first so that it is emitted once, whoever polls.
 */
import { currentState, decideTransitions, type AlertItem, type EpisodeRecord } from './episodes';
import { readFigures, type FigureSources } from './figures';
import { evaluateRules, type AlertRule } from './rules';

/**
 * Evaluates and records episodes. @returns the items to emit: new episodes ("firing") and
 * closed ones ("resolved"); empty when nothing changed.
 * @param triggerId `<workflow id>:<node id>`: whose episodes these are
 */
export async function pollAlerts(
	src: FigureSources,
	rules: AlertRule[],
	triggerId: string,
): Promise<AlertItem[]> {
	const state = src.stores.alertState;
	const figures = await readFigures(src, rules, triggerId);
	const conditions = evaluateRules(rules, figures);
	const open = await state.episodes<EpisodeRecord>(triggerId);
	const { open: opening, close } = decideTransitions(conditions, open, figures.nowMs);
	const items: AlertItem[] = [];
	for (const o of opening) if (await state.claim(triggerId, o.key, o.record)) items.push(o.item);
	for (const c of close) if (await state.release(triggerId, c.key)) items.push(c.item);
	if (open.size > 0) await state.touch(triggerId);
	return items;
}

/** Evaluates once without touching any episode ("Fetch Test Event"): what holds now, or one "ok" item. */
export async function alertSnapshot(
	src: FigureSources,
	rules: AlertRule[],
): Promise<Record<string, unknown>[]> {
	const figures = await readFigures(src, rules);
	return currentState(evaluateRules(rules, figures), figures.nowMs);
}
