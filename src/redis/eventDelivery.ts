/**
 * Where one accepted event stands for each subscriber of its endpoint, for the request log's
 * detail view: read from what the buffer already keeps (the consumer groups' cursors and pending
 * lists, the dead letters). No run id is stored with an acknowledgement, so "delivered" says that
 * the subscriber's run acknowledged it, not which n8n execution that was (docs/request-log.md).
 */
import type { ScriptedRedis } from './client';
import { endpointKeys } from './keys';
import { FIELDS } from './streamSchema';
import { compareStreamIds, msOf } from './streamIds';
import { SubscriberStore, type EndpointRef } from './subscribers';

/**
 * - `pending`: not acknowledged yet; `released` tells whether a run has it now (`deliveries` runs so far).
 * - `delivered`: a run of this subscriber acknowledged it.
 * - `dead_letter`: it failed too often and was set aside (`deadLetterId`).
 * - `before_subscription`: the subscriber joined after the event arrived (it had it only if it
 *   started from the oldest buffered event and then acknowledged it).
 */
export type DeliveryState = 'pending' | 'delivered' | 'dead_letter' | 'before_subscription';

export interface SubscriberDelivery {
	subscriberId: string;
	state: DeliveryState;
	/** For `pending`: whether a run currently holds it. */
	released?: boolean;
	/** For `pending` and `dead_letter`: times it was handed to a run. */
	deliveries?: number;
	deadLetterId?: string;
	/** For `dead_letter`: the last run's error. */
	error?: string;
}

/** Dead letters read after the event's time to find its own (each carries the event's bytes). */
const DEAD_LETTER_SCAN = 200;

function fieldMap(fields: string[]): Map<string, string> {
	const m = new Map<string, string>();
	for (let i = 0; i + 1 < fields.length; i += 2) m.set(fields[i], fields[i + 1]);
	return m;
}

/** @returns whether the event is still in the endpoint's buffer, and its state per current subscriber. */
export async function eventDelivery(
	redis: ScriptedRedis,
	prefix: string,
	ep: EndpointRef,
	eventId: string,
): Promise<{ inBuffer: boolean; subscribers: SubscriberDelivery[] }> {
	const k = endpointKeys(prefix, ep.accountId, ep.id);
	const eventMs = msOf(eventId);
	const [inStream, subs, dead] = await Promise.all([
		redis.xrange(k.stream, eventId, eventId),
		new SubscriberStore(redis, prefix).list(ep),
		redis.xrange(k.deadLetters, `${eventMs}-0`, '+', 'COUNT', DEAD_LETTER_SCAN) as Promise<
			[string, string[]][]
		>,
	]);
	const deadBySub = new Map<string, { id: string; attempts: number; error: string }>();
	for (const [id, fields] of dead) {
		const f = fieldMap(fields);
		if (f.get(FIELDS.eventId) === eventId)
			deadBySub.set(f.get(FIELDS.subscriber) ?? '', {
				id,
				attempts: Number(f.get(FIELDS.attempts) ?? 0),
				error: f.get(FIELDS.error) ?? '',
			});
	}
	const inBuffer = inStream.length > 0;
	const pendingOf = await Promise.all(
		subs.map(async (s) => {
			if (!inBuffer) return undefined;
			const rows = (await redis.xpending(k.stream, s.id, eventId, eventId, 1)) as [
				string,
				string,
				number,
				number,
			][];
			return rows[0];
		}),
	);
	return {
		inBuffer,
		subscribers: subs.map((s, i): SubscriberDelivery => {
			const d = deadBySub.get(s.id);
			if (d)
				return {
					subscriberId: s.id,
					state: 'dead_letter',
					deadLetterId: d.id,
					deliveries: d.attempts,
					error: d.error,
				};
			const pending = pendingOf[i];
			if (pending)
				return {
					subscriberId: s.id,
					state: 'pending',
					released: true,
					deliveries: Number(pending[3]),
				};
			const reached =
				s.lastDeliveredId !== null && compareStreamIds(eventId, s.lastDeliveredId) <= 0;
			if (s.createdAtMs > eventMs) return { subscriberId: s.id, state: 'before_subscription' };
			if (inBuffer && !reached)
				return { subscriberId: s.id, state: 'pending', released: false, deliveries: 0 };
			return { subscriberId: s.id, state: 'delivered' };
		}),
	};
}
