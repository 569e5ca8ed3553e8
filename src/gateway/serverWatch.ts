/**
 * Keeps checking the Redis server's version and settings (src/redis/serverCheck.ts) while the
 * gateway runs: at start-up and every minute, since an operator may change maxmemory-policy or
 * appendonly at run time. The latest result feeds /readyz (503 with the reason while settings put
 * data at risk), a gauge per setting, and the log (each problem when first seen or changed, so a
 * warning is loud once and does not repeat every minute).
 */
import type { Logger } from '../logger';
import type { Stores } from '../redis';
import { logFinding, type ServerCheckResult } from '../redis/serverCheck';
import type { GatewayMetrics } from './metrics';

/** How often the settings are read again, ms. */
export const SERVER_CHECK_INTERVAL_MS = 60_000;

export interface ServerWatch {
	/** The latest result; undefined until a check succeeded (Redis unreachable so far). */
	readonly current: ServerCheckResult | undefined;
	/** Checks now and reports changes. @throws when Redis cannot be reached. */
	run(): Promise<ServerCheckResult>;
	close(): void;
}

export function watchServer(
	server: Pick<Stores, 'checkServer'>,
	options: { allowEviction: boolean },
	logger: Logger,
	metrics: GatewayMetrics,
): ServerWatch {
	let current: ServerCheckResult | undefined;
	let reported = new Set<string>();
	const run = async () => {
		const result = await server.checkServer(options);
		current = result;
		for (const f of result.findings)
			metrics.redisSetting(f.setting, f.level === 'ok' ? 1 : f.level === 'unknown' ? -1 : 0);
		const problems = result.findings.filter((f) => f.level !== 'ok');
		const now = new Set(problems.map((f) => f.message));
		for (const f of problems) if (!reported.has(f.message)) logFinding(logger, f);
		if (reported.size > 0 && now.size === 0)
			logger.info('Redis check: version and settings are fine now');
		reported = now;
		return result;
	};
	const timer = setInterval(() => {
		// Redis unreachable: /readyz already says so by its ping; try again next round.
		run().catch(() => undefined);
	}, SERVER_CHECK_INTERVAL_MS);
	timer.unref();
	return {
		get current() {
			return current;
		},
		run,
		close: () => clearInterval(timer),
	};
}
