/**
 * What a subscriber that comes back after being dropped is told (see docs/reliability.md,
 * "Subscribers"): the gap between its last event and what the stream still holds, computed from
 * XINFO STREAM, and the listeners of this process (its trigger) that hear it.
 */
import { compareStreamIds, fieldsOf, msOf, previousStreamId } from './streamIds';

/** An endpoint's identity (as EndpointRef). */
interface EndpointRef {
	id: string;
	accountId: string;
}

/** When and where a subscriber was dropped (part of its DroppedSubscriber record). */
export interface DroppedPoint {
	droppedAtMs: number;
	/** `retention`: unseen for the subscriber retention; `removed`: by an operator. */
	reason: 'retention' | 'removed';
	/** It resumes after this stream id (the last event it received, or before its oldest unacknowledged one). */
	resumeAfterId: string;
	/** Events ever added to the stream up to resumeAfterId (Redis's entries-read), to count what it missed; unknown: null count. */
	position?: number;
}

/** What a returning subscriber is told: events received between missedFrom and missedUntil were removed before it got them. */
export interface SubscriberGap {
	/** ISO time the subscriber was dropped. */
	droppedAt: string;
	reason: 'retention' | 'removed';
	/** Events it never got (null when Redis could not count them). */
	missedEvents: number | null;
	/** ISO receive time of the last event it had received: missed events came after it. */
	missedFrom: string;
	/** ISO receive time of the first event it still gets (or of the newest removed one when none is left): missed events came before it. */
	missedUntil: string;
	message: string;
}

type GapListener = (gap: SubscriberGap) => void;

/**
 * Listeners per subscriber in this process (the trigger of that subscriber), kept on globalThis so
 * every copy of this module shares them: a gap found during a read reaches the trigger.
 */
function gapListeners(): Map<string, Set<GapListener>> {
	const holder = globalThis as Record<symbol, Map<string, Set<GapListener>> | undefined>;
	return (holder[Symbol.for('n8n-nodes-webhook-gateway.subscriber-gaps')] ??= new Map());
}

function listenerKey(ep: EndpointRef, sub: string): string {
	return JSON.stringify([ep.accountId, ep.id, sub]);
}

/** Calls `listener` for each gap of this subscriber found in this process. @returns unlisten */
export function listenGaps(ep: EndpointRef, sub: string, listener: GapListener): () => void {
	const all = gapListeners();
	const key = listenerKey(ep, sub);
	let set = all.get(key);
	if (!set) all.set(key, (set = new Set()));
	set.add(listener);
	return () => {
		set.delete(listener);
		if (set.size === 0 && all.get(key) === set) all.delete(key);
	};
}

/** Gives a gap to the subscriber's listeners in this process. */
export function tellGap(ep: EndpointRef, sub: string, gap: SubscriberGap): void {
	for (const listener of gapListeners().get(listenerKey(ep, sub)) ?? []) listener(gap);
}

/**
 * What was removed from the stream after `tomb.resumeAfterId` while the subscriber was away.
 * Events leave a stream from its head only (trimming), so events it never got are gone exactly
 * when the oldest retained event is newer than where it resumes; how many: events added after
 * that point minus those still retained (null when Redis could not say where it stopped).
 */
export function gapAfter(tomb: DroppedPoint, xinfoStream: unknown[]): SubscriberGap | undefined {
	const info = fieldsOf(xinfoStream);
	const length = Number(info.get('length') ?? 0);
	const added = Number(info.get('entries-added') ?? 0);
	const lastId = String(info.get('last-generated-id') ?? '0-0');
	const firstEntry = info.get('first-entry') as unknown[] | null | undefined;
	const firstId = length > 0 && Array.isArray(firstEntry) ? String(firstEntry[0]) : undefined;
	if (compareStreamIds(lastId, tomb.resumeAfterId) <= 0) return undefined;
	if (firstId !== undefined && compareStreamIds(previousStreamId(firstId), tomb.resumeAfterId) <= 0)
		return undefined;
	const missedEvents = tomb.position === undefined ? null : added - tomb.position - length;
	if (missedEvents !== null && missedEvents <= 0) return undefined;
	const missedFrom = new Date(msOf(tomb.resumeAfterId)).toISOString();
	const missedUntil = new Date(msOf(firstId ?? lastId)).toISOString();
	const why =
		tomb.reason === 'retention'
			? 'dropped for being inactive longer than the subscriber retention'
			: 'removed by an operator';
	return {
		droppedAt: new Date(tomb.droppedAtMs).toISOString(),
		reason: tomb.reason,
		missedEvents,
		missedFrom,
		missedUntil,
		message:
			`This trigger was ${why} at ${new Date(tomb.droppedAtMs).toISOString()}; ` +
			`${missedEvents === null ? 'events' : `${missedEvents} event(s)`} the endpoint received between ${missedFrom} and ${missedUntil} were removed before it got them.`,
	};
}
