/**
 * `webhook-gateway plans …` and `webhook-gateway accounts …`: thin calls into the
 * ManagementService with human or JSON output.
 */
import { Command } from 'commander';
import { NotFoundError } from '../errors';
import type { AccountEndpointUsage } from '../management/service';
import type { Plan } from '../types';
import { details, limit, planDetails, planTable, rateLimit, table } from './format';
import type { CliSession } from './session';

interface PlanFlags {
	name?: string;
	rate?: string;
	burst?: string;
	daily?: string;
}

export function plansCommand(session: CliSession): Command {
	const plans = new Command('plans').description('usage plans: rate, burst and daily limits');

	plans
		.command('list')
		.description('list built-in and custom plans')
		.option('--json', 'print JSON')
		.action(async (_flags: unknown, cmd: Command) => {
			session.print(cmd, await session.management(cmd).listPlans(), planTable);
		});

	plans
		.command('get <id>')
		.description('show a plan')
		.option('--json', 'print JSON')
		.action(async (id: string, _flags: unknown, cmd: Command) => {
			session.print(cmd, await session.management(cmd).getPlan(id), planDetails);
		});

	plans
		.command('upsert <id>')
		.description(
			'create or change a custom plan; options not given keep their current value (a new plan has no limit where not given)',
		)
		.option('--name <text>', 'display name')
		.option('--rate <n|none>', 'sustained requests per second (may be fractional)')
		.option(
			'--burst <n|none>',
			'requests that may arrive at one instant (default: the rate rounded up)',
		)
		.option('--daily <n|none>', 'accepted requests per UTC day')
		.option('--json', 'print JSON')
		.action(async (id: string, flags: PlanFlags, cmd: Command) => {
			const management = session.management(cmd);
			const current = await management.getPlan(id).catch((error: unknown) => {
				if (error instanceof NotFoundError) return undefined;
				throw error;
			});
			const input: Record<string, unknown> = {
				...(current && !current.builtIn ? current : {}),
				id,
			};
			for (const key of ['name', 'rate', 'burst', 'daily'] as const)
				if (flags[key] !== undefined) input[key] = flags[key];
			session.print(cmd, await management.upsertPlan(input), planDetails);
		});

	plans
		.command('delete <id>')
		.description('delete a custom plan no account uses')
		.option('--json', 'print JSON (nothing on success)')
		.action(async (id: string, _flags: unknown, cmd: Command) => {
			await session.management(cmd).deletePlan(id);
			session.print(cmd, undefined, () => `Deleted plan '${id}'.`);
		});

	return plans;
}

function accountDetails(account: {
	plan: Plan;
	acceptedToday: number;
	endpointUsage: AccountEndpointUsage[];
}): string {
	const { plan, endpointUsage, ...rest } = account;
	const head = details({
		...rest,
		plan: `${plan.id} (rate ${limit(plan.rate)}/s, burst ${limit(plan.burst)}, daily ${limit(plan.daily)})`,
	});
	if (endpointUsage.length === 0) return head;
	// The account's consumption and each endpoint's side by side, with each endpoint's own limits.
	const rows = [
		['(account)', String(account.acceptedToday), limit(plan.daily), rateLimit(plan.rate)],
		...endpointUsage.map((e) => [
			e.endpointId,
			String(e.acceptedToday),
			e.limits ? limit(e.limits.daily) : '-',
			e.limits ? rateLimit(e.limits.rate) : '-',
		]),
	];
	return `${head}\n\n${table(['ENDPOINT', 'ACCEPTED TODAY', 'DAILY LIMIT', 'RATE LIMIT'], rows)}`;
}

export function accountsCommand(session: CliSession): Command {
	const accounts = new Command('accounts').description('accounts own endpoints and have one plan');

	accounts
		.command('list')
		.description('list accounts')
		.option('--json', 'print JSON')
		.action(async (_flags: unknown, cmd: Command) => {
			session.print(cmd, await session.management(cmd).listAccounts(), (list) =>
				list.length === 0
					? 'No accounts.'
					: table(
							['ID', 'PLAN', 'CREATED'],
							list.map((a) => [a.id, a.planId, a.createdAt]),
						),
			);
		});

	accounts
		.command('get <id>')
		.description("show an account: plan, today's usage and endpoints")
		.option('--json', 'print JSON')
		.action(async (id: string, _flags: unknown, cmd: Command) => {
			session.print(cmd, await session.management(cmd).getAccount(id), accountDetails);
		});

	accounts
		.command('set-plan <id> <planId>')
		.description("set an account's plan (creates the account when needed)")
		.option('--json', 'print JSON')
		.action(async (id: string, planId: string, _flags: unknown, cmd: Command) => {
			session.print(cmd, await session.management(cmd).setAccountPlan(id, planId), (a) =>
				details(a),
			);
		});

	return accounts;
}
