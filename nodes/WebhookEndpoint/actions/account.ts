/** Account operations: each makes one ManagementService call. */
import { json, limited, type Action } from './types';

const accountId = (ctx: Parameters<Action>[0], i: number) =>
	String(ctx.getNodeParameter('accountId', i)).trim();

export const accountActions: Record<string, Action> = {
	async get(ctx, management, i) {
		return json(await management.getAccount(accountId(ctx, i)));
	},

	async getAll(ctx, management, i) {
		return limited(ctx, i, await management.listAccounts()).map(json);
	},

	async setPlan(ctx, management, i) {
		const account = await management.setAccountPlan(
			accountId(ctx, i),
			String(ctx.getNodeParameter('planId', i)).trim(),
		);
		return { ...json(account), plan: json(await management.getPlan(account.planId)) };
	},
};
