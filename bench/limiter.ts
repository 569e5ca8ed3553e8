/**
 * Limiter exactness at scale: two (or GATEWAYS) standalone gateway processes on one Redis, 200
 * keep-alive connections (CONNECTIONS), each plan hammered for DURATION_MS. Reports, per plan,
 * accepted requests against the bound burst + floor(rate * t) over the measured span, the worst
 * sliding window on Redis's clock (event ids are Redis timestamps), and the daily limit.
 *
 *   npm run build && node --import tsx bench/limiter.ts
 *
 * Loopback only; bounded by DURATION_MS per plan. Prints a markdown table and writes
 * bench/results/limiter.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ManagementService } from '../src/management/service';
import { createStores } from '../src/redis';
import { spawnGateway, uniquePrefix, type GatewayProcess } from '../test/harness/gateway';
import { acceptedTimesMs, worstWindow } from '../test/helpers/limits';
import { runLoad } from '../test/helpers/load';
import { startRedis } from '../test/harness/redis';

const CONNECTIONS = Number(process.env.CONNECTIONS ?? 200);
const DURATION_MS = Number(process.env.DURATION_MS ?? 5000);
const GATEWAYS = Number(process.env.GATEWAYS ?? 2);

interface PlanCase {
	plan: string;
	custom?: { rate: number | null; burst: number | null; daily: number | null };
}

const CASES: PlanCase[] = [
	{ plan: 'free-trial' },
	{ plan: 'forever-free' },
	{ plan: 'advanced' },
	{ plan: 'business' },
	{ plan: 'custom-50-100', custom: { rate: 50, burst: 100, daily: null } },
	{ plan: 'custom-2-5-3', custom: { rate: 2.5, burst: 3, daily: null } },
	{ plan: 'custom-daily-500', custom: { rate: null, burst: null, daily: 500 } },
];

async function main(): Promise<void> {
	const redis = await startRedis();
	const prefix = uniquePrefix();
	const stores = createStores({ url: redis.url, offlineQueue: true }, prefix);
	const m = new ManagementService(stores, {
		publicUrl: 'http://x',
		defaultPlan: 'unlimited',
		defaultBufferCapacity: 100_000_000,
	});
	const gateways: GatewayProcess[] = [];
	const rows: Record<string, unknown>[] = [];
	try {
		for (let i = 0; i < GATEWAYS; i++)
			gateways.push(
				await spawnGateway({
					WEBHOOK_GATEWAY_REDIS_URL: redis.url,
					WEBHOOK_GATEWAY_KEY_PREFIX: prefix,
				}),
			);
		for (const c of CASES) {
			if (c.custom) await m.upsertPlan({ id: c.plan, ...c.custom });
			const plan = await m.getPlan(c.plan);
			const account = `acct-${c.plan}`;
			await m.setAccountPlan(account, c.plan);
			await m.createEndpoint(
				{ auth: { type: 'none' }, id: `ep-${c.plan}`, accountId: account },
				'bench',
			);
			const load = await runLoad({
				urls: gateways.map((g) => g.url),
				path: `/hooks/ep-${c.plan}`,
				connections: CONNECTIONS,
				durationMs: DURATION_MS,
				maxRequests: 5_000_000,
				body: '{"n":1}',
				headers: { 'content-type': 'application/json' },
			});
			const accepted = load.results.filter((r) => r.status === 202);
			const span = (load.endedAt - load.startedAt) / 1000;
			const rateBound =
				plan.rate === null ? Infinity : (plan.burst ?? 1) + Math.floor(plan.rate * span);
			const bound = Math.min(rateBound, plan.daily ?? Infinity);
			const windowExcess =
				plan.rate === null
					? 0
					: worstWindow(acceptedTimesMs(accepted.map((r) => r.body)), plan.rate, plan.burst ?? 1)
							.excess;
			const statuses: Record<string, number> = {};
			for (const r of load.results) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
			rows.push({
				plan: c.plan,
				rate: plan.rate,
				burst: plan.burst,
				daily: plan.daily,
				requests: load.results.length,
				seconds: Number(span.toFixed(2)),
				accepted: accepted.length,
				bound,
				overAdmitted: Math.max(0, accepted.length - bound),
				underAdmitted: Math.max(0, bound - accepted.length),
				worstWindowExcess: Math.max(0, windowExcess),
				statuses,
				connectionErrors: load.errors,
			});
			console.error(
				`${c.plan}: ${accepted.length} accepted of ${load.results.length} in ${span.toFixed(2)} s (bound ${bound})`,
			);
		}
	} finally {
		await Promise.all(gateways.map((g) => g.stop()));
		await stores.close();
		await redis.stop();
	}
	const out = path.join(__dirname, 'results');
	fs.mkdirSync(out, { recursive: true });
	fs.writeFileSync(
		path.join(out, 'limiter.json'),
		JSON.stringify(
			{
				date: new Date().toISOString(),
				connections: CONNECTIONS,
				gateways: GATEWAYS,
				durationMs: DURATION_MS,
				rows,
			},
			null,
			2,
		),
	);
	console.log(
		`\n${GATEWAYS} gateways, ${CONNECTIONS} connections, ${DURATION_MS / 1000} s per plan\n`,
	);
	console.log(
		'| plan | rate | burst | daily | requests | span (s) | accepted | bound | over-admitted | under-admitted | worst window excess |',
	);
	console.log('|---|---|---|---|---|---|---|---|---|---|---|');
	for (const r of rows) {
		const f = (v: unknown) => (v === null ? 'none' : String(v));
		console.log(
			`| ${r.plan} | ${f(r.rate)} | ${f(r.burst)} | ${f(r.daily)} | ${r.requests} | ${r.seconds} | ${r.accepted} | ${r.bound} | ${r.overAdmitted} | ${r.underAdmitted} | ${r.worstWindowExcess} |`,
		);
	}
	if (rows.some((r) => (r.overAdmitted as number) > 0 || (r.worstWindowExcess as number) > 0))
		process.exitCode = 1;
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
