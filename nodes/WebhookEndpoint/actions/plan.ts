/** Plan operations: each makes one ManagementService call. */
import { json, limited, type Action } from './types';

const planId = (ctx: Parameters<Action>[0], i: number) =>
	String(ctx.getNodeParameter('planId', i)).trim();

export const planActions: Record<string, Action> = {
	async getAll(ctx, management, i) {
		return limited(ctx, i, await management.listPlans()).map(json);
	},

	async get(ctx, management, i) {
		return json(await management.getPlan(planId(ctx, i)));
	},

	async upsert(ctx, management, i) {
		// Empty limits stay '' and mean "no limit" to the service's validation.
		const limit = (name: string) => String(ctx.getNodeParameter(name, i, '') ?? '').trim();
		return json(
			await management.upsertPlan({
				id: planId(ctx, i),
				name: String(ctx.getNodeParameter('name', i, '')).trim() || undefined,
				rate: limit('rate'),
				burst: limit('burst'),
				daily: limit('daily'),
			}),
		);
	},

	async delete(ctx, management, i) {
		const id = planId(ctx, i);
		await management.deletePlan(id);
		return { id, deleted: true };
	},
};
