/** Buffered events and dead letters of an endpoint: each operation makes one ManagementService call. */
import { NodeOperationError } from 'n8n-workflow';
import { json, type Action } from './types';
import { endpointIdParameter } from './endpoint';
import { listOf } from './endpointInput';

/** The dead letters an operation works on: [] for "all of the endpoint". */
function selectedIds(ctx: Parameters<Action>[0], i: number): string[] {
	if (ctx.getNodeParameter('scope', i, 'all') !== 'ids') return [];
	const ids = listOf(ctx.getNodeParameter('ids', i, ''));
	if (ids.length === 0) {
		// An empty selection must not turn into "all of them".
		throw new NodeOperationError(ctx.getNode(), 'No dead letter IDs given', {
			description: 'Enter the IDs Get Dead Letters returned, or choose "All of the Endpoint"',
			itemIndex: i,
		});
	}
	return ids;
}

export const eventActions: Record<string, Action> = {
	async peek(ctx, management, i) {
		return (
			await management.peekEvents(
				endpointIdParameter(ctx, i),
				ctx.getNodeParameter('count', i, 10) as number,
			)
		).map(json);
	},

	async getDeadLetters(ctx, management, i) {
		return (
			await management.listDeadLetters(
				endpointIdParameter(ctx, i),
				ctx.getNodeParameter('count', i, 100) as number,
			)
		).map(json);
	},

	async replayDeadLetters(ctx, management, i) {
		return json(
			await management.replayDeadLetters(endpointIdParameter(ctx, i), selectedIds(ctx, i)),
		);
	},

	async deleteDeadLetters(ctx, management, i) {
		const endpointId = endpointIdParameter(ctx, i);
		const selected = selectedIds(ctx, i);
		const ids =
			selected.length > 0
				? selected
				: (await management.listDeadLetters(endpointId, 10_000)).map((letter) => letter.id);
		return json(await management.deleteDeadLetters(endpointId, ids));
	},
};
