/**
 * Subscriber operations of the management service (docs/admin-api.md, "Subscribers"): list with
 * lag, remove, rewind, and the check that refuses to delete an endpoint triggers still use.
 * Views carry ISO times; the store works in ms and stream ids.
 */
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import type { DroppedSubscriber, EndpointRef, Stores, SubscriberInfo } from '../redis';

export interface SubscriberView {
	/** `<workflowId>:<nodeId>`. */
	id: string;
	workflowId: string;
	nodeId: string;
	workflowName: string | null;
	nodeName: string | null;
	/** Events not yet acknowledged (its lag). */
	waiting: number;
	/** Delivered, not yet acknowledged. */
	pending: number;
	lastDeliveredId: string | null;
	/** Events its trigger's filter left out: acknowledged without an execution (docs/filters.md). */
	filtered: number;
	lastSeen: string;
	createdAt: string;
}

export interface DroppedSubscriberView {
	id: string;
	workflowId: string;
	nodeId: string;
	workflowName: string | null;
	nodeName: string | null;
	droppedAt: string;
	reason: 'retention' | 'removed';
	/** When it comes back it resumes after this event id. */
	resumeAfterId: string;
}

export interface EndpointSubscribers {
	endpointId: string;
	subscribers: SubscriberView[];
	/** Dropped or removed subscribers whose workflow has not come back yet (kept 90 days). */
	dropped: DroppedSubscriberView[];
}

/** Where to rewind to: exactly one of an event id or a time (ISO 8601 or ms since the epoch). */
export interface RewindInput {
	eventId?: unknown;
	time?: unknown;
}

export function subscriberView(s: SubscriberInfo): SubscriberView {
	return {
		id: s.id,
		workflowId: s.workflowId,
		nodeId: s.nodeId,
		workflowName: s.workflowName ?? null,
		nodeName: s.nodeName ?? null,
		waiting: s.waiting,
		pending: s.pending,
		lastDeliveredId: s.lastDeliveredId,
		filtered: s.filtered,
		lastSeen: new Date(s.lastSeenMs).toISOString(),
		createdAt: new Date(s.createdAtMs).toISOString(),
	};
}

function droppedView(d: DroppedSubscriber): DroppedSubscriberView {
	return {
		id: d.id,
		workflowId: d.workflowId,
		nodeId: d.nodeId,
		workflowName: d.workflowName ?? null,
		nodeName: d.nodeName ?? null,
		droppedAt: new Date(d.droppedAtMs).toISOString(),
		reason: d.reason,
		resumeAfterId: d.resumeAfterId,
	};
}

/** "workflow 'Orders' (wf1), node 'Batch'" — how a subscriber is named in messages. */
export function describeSubscriber(
	s: Pick<SubscriberView, 'workflowId' | 'nodeId' | 'workflowName' | 'nodeName'>,
): string {
	const workflow = s.workflowName
		? `workflow '${s.workflowName}' (${s.workflowId})`
		: `workflow ${s.workflowId}`;
	return s.nodeName ? `${workflow}, node '${s.nodeName}'` : `${workflow}, node ${s.nodeId}`;
}

const SUBSCRIBER_ID_RE = /^[^\s:]{1,200}:[^\s]{1,200}$/;

function checkSubscriberId(id: unknown): string {
	if (typeof id !== 'string' || !SUBSCRIBER_ID_RE.test(id))
		throw new ValidationError(
			`'${String(id)}' is not a subscriber id (expected <workflowId>:<nodeId>, as the subscriber list shows)`,
		);
	return id;
}

/** The rewind point as the store takes it: a stream id, or ms since the epoch. */
function rewindPoint(input: RewindInput): string | number {
	const hasId = input.eventId !== undefined && input.eventId !== null && input.eventId !== '';
	const hasTime = input.time !== undefined && input.time !== null && input.time !== '';
	if (hasId === hasTime)
		throw new ValidationError(
			'give exactly one of eventId (like 1732280000000-0) or time (ISO 8601, e.g. 2026-12-04T10:00:00Z)',
		);
	if (hasId) {
		if (typeof input.eventId !== 'string' || !/^\d{1,20}-\d{1,20}$/.test(input.eventId))
			throw new ValidationError(
				`'${String(input.eventId)}' is not an event id (expected something like 1732280000000-0)`,
			);
		return input.eventId;
	}
	const ms =
		typeof input.time === 'number' || /^\d+$/.test(String(input.time))
			? Number(input.time)
			: Date.parse(String(input.time));
	if (!Number.isFinite(ms) || ms < 0)
		throw new ValidationError(
			`'${String(input.time)}' is not a time (expected ISO 8601, e.g. 2026-12-04T10:00:00Z, or ms since the epoch)`,
		);
	return ms;
}

export class SubscriberOperations {
	constructor(private readonly stores: Pick<Stores, 'subscribers'>) {}

	async list(ref: EndpointRef): Promise<EndpointSubscribers> {
		const [subscribers, dropped] = await Promise.all([
			this.stores.subscribers.list(ref),
			this.stores.subscribers.dropped(ref),
		]);
		return {
			endpointId: ref.id,
			subscribers: subscribers.map(subscriberView),
			dropped: dropped.map(droppedView),
		};
	}

	/** Removes one subscriber; its workflow, if still active, rejoins at its next read and is told the gap. */
	async remove(ref: EndpointRef, subscriberId: unknown): Promise<void> {
		const id = checkSubscriberId(subscriberId);
		if (!(await this.stores.subscribers.remove(ref, id, 'removed')))
			throw new NotFoundError('subscriber', id);
	}

	async rewind(
		ref: EndpointRef,
		subscriberId: unknown,
		input: RewindInput,
	): Promise<{ subscriber: SubscriberView; startsAfterId: string }> {
		const id = checkSubscriberId(subscriberId);
		const { startsAfterId } = await this.stores.subscribers.rewind(ref, id, rewindPoint(input));
		const after = (await this.stores.subscribers.list(ref)).find((s) => s.id === id);
		if (!after) throw new NotFoundError('subscriber', id);
		return { subscriber: subscriberView(after), startsAfterId };
	}

	/** Throws 409 naming the subscribers when the endpoint has any and `force` is not set. */
	async assertDeletable(ref: EndpointRef, force: boolean): Promise<void> {
		if (force) return;
		const subs = (await this.stores.subscribers.list(ref)).map(subscriberView);
		if (subs.length === 0) return;
		const names = subs.map((s) => `${describeSubscriber(s)} [${s.id}]`).join('; ');
		throw new ConflictError(
			`endpoint '${ref.id}' has ${subs.length} subscriber(s): ${names}. Deactivate those workflows and remove the subscribers, or delete with force (the triggers then stop with an error)`,
		);
	}
}
