/** Subscribers of an endpoint (the triggers reading it): each operation makes one ManagementService call. */
import { NodeOperationError } from 'n8n-workflow';
import { endpointIdParameter } from './endpoint';
import { json, type Action } from './types';

function subscriberIdParameter(ctx: Parameters<Action>[0], i: number): string {
	const id = String(ctx.getNodeParameter('subscriberId', i, '')).trim();
	if (!id)
		throw new NodeOperationError(ctx.getNode(), 'No subscriber ID given', {
			description: 'Enter the "id" that Subscriber > Get Many returns (workflow ID:node ID)',
			itemIndex: i,
		});
	return id;
}

export const subscriberActions: Record<string, Action> = {
	async getAll(ctx, management, i) {
		const result = await management.listSubscribers(endpointIdParameter(ctx, i));
		const active = result.subscribers.map((s) =>
			json({ ...s, endpointId: result.endpointId, dropped: false }),
		);
		if (!(ctx.getNodeParameter('includeDropped', i, false) as boolean)) return active;
		return [
			...active,
			...result.dropped.map((d) => json({ ...d, endpointId: result.endpointId, dropped: true })),
		];
	},

	async remove(ctx, management, i) {
		const endpointId = endpointIdParameter(ctx, i);
		const subscriberId = subscriberIdParameter(ctx, i);
		await management.removeSubscriber(endpointId, subscriberId);
		return { endpointId, subscriberId, removed: true };
	},

	async rewind(ctx, management, i) {
		const endpointId = endpointIdParameter(ctx, i);
		const subscriberId = subscriberIdParameter(ctx, i);
		const to =
			ctx.getNodeParameter('rewindTo', i, 'time') === 'eventId'
				? { eventId: String(ctx.getNodeParameter('eventId', i, '')).trim() }
				: { time: ctx.getNodeParameter('time', i, '') };
		return json({
			endpointId,
			...(await management.rewindSubscriber(endpointId, subscriberId, to)),
		});
	},
};
