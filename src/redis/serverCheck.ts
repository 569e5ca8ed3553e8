/**
 * Checks the Redis server the gateway runs on instead of assuming it is fit (docs/reliability.md,
 * "Redis settings the gateway needs"): its version (refused below MIN_REDIS_VERSION), its
 * maxmemory-policy (anything but noeviction lets Redis silently evict streams, the registry, limiter
 * and dedupe keys) and its persistence (without AOF, accepted events since the last snapshot are
 * lost when Redis stops). The decision is a pure function of INFO text, so it is tested on stub
 * replies; CONFIG may be disabled or renamed on managed Redis, so INFO is what is read and a
 * setting that cannot be read is reported as "could not check", never as a failure.
 */
import { Cluster } from 'ioredis';
import type { Logger } from '../logger';
import type { RedisClient } from './client';

/**
 * The oldest Redis the code works on. Newest feature used: the `lag` field of XINFO GROUPS
 * (7.0), from which subscribers' waiting counts come (buffer.ts); before that, XPENDING ... IDLE and
 * XTRIM MINID (6.2) in the Lua scripts.
 */
export const MIN_REDIS_VERSION = '7.0.0';
const MIN_VERSION_REASON =
	"subscribers' waiting counts read the lag field of XINFO GROUPS, new in Redis 7.0";

export type SettingName = 'version' | 'maxmemory-policy' | 'persistence';

export interface ServerFinding {
	setting: SettingName;
	/** ok; warning (logged, still ready); risk (logged loudly, /readyz 503); fatal (start refused); unknown (could not check). */
	level: 'ok' | 'warning' | 'risk' | 'fatal' | 'unknown';
	message: string;
}

export interface ServerCheckResult {
	version?: string;
	maxmemoryPolicy?: string;
	aofEnabled?: boolean;
	findings: ServerFinding[];
	/** Set when the gateway must not start (or must report not ready): the fatal finding's message. */
	fatal?: string;
	/** Why /readyz answers 503 (a fatal or risk finding); undefined when the settings are fine. */
	notReady?: string;
}

export interface ServerCheckOptions {
	/** The operator accepts an evicting maxmemory-policy (WEBHOOK_GATEWAY_ALLOW_EVICTION=true): warned, still ready. */
	allowEviction: boolean;
}

/** `key:value` lines of an INFO reply (all sections). */
export function parseInfo(text: string): Map<string, string> {
	const fields = new Map<string, string>();
	for (const line of text.split(/\r?\n/)) {
		const colon = line.indexOf(':');
		if (colon > 0 && !line.startsWith('#'))
			fields.set(line.slice(0, colon), line.slice(colon + 1).trim());
	}
	return fields;
}

/** Compares dotted versions: negative when a < b. */
export function compareVersions(a: string, b: string): number {
	const pa = a.split('.').map((n) => Number.parseInt(n, 10) || 0);
	const pb = b.split('.').map((n) => Number.parseInt(n, 10) || 0);
	for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
		const d = (pa[i] ?? 0) - (pb[i] ?? 0);
		if (d !== 0) return d;
	}
	return 0;
}

/**
 * Decides from INFO text (server, memory and persistence sections) what is wrong with a server.
 * @param where the server's address for messages (cluster nodes), '' for a single server
 * @param appendfsync from CONFIG GET when CONFIG is allowed (INFO does not show it); undefined otherwise
 */
export function decideServerCheck(
	infoText: string,
	options: ServerCheckOptions,
	where = '',
	appendfsync?: string,
): ServerCheckResult {
	const info = parseInfo(infoText);
	const on = where ? ` on ${where}` : '';
	const findings: ServerFinding[] = [];
	const version = info.get('redis_version');
	if (version === undefined) {
		findings.push({
			setting: 'version',
			level: 'unknown',
			message: `could not check the Redis version${on} (INFO server gave none); the gateway needs Redis ${MIN_REDIS_VERSION} or newer`,
		});
	} else if (compareVersions(version, MIN_REDIS_VERSION) < 0) {
		findings.push({
			setting: 'version',
			level: 'fatal',
			message: `Redis ${version}${on} is older than ${MIN_REDIS_VERSION}, the oldest this gateway supports (${MIN_VERSION_REASON}); upgrade Redis`,
		});
	} else findings.push({ setting: 'version', level: 'ok', message: `Redis ${version}${on}` });

	const policy = info.get('maxmemory_policy');
	if (policy === undefined) {
		findings.push({
			setting: 'maxmemory-policy',
			level: 'unknown',
			message: `could not check maxmemory-policy${on} (INFO memory gave none); make sure it is noeviction, or Redis may silently evict events, endpoints and limits`,
		});
	} else if (policy !== 'noeviction') {
		const message = `Redis maxmemory-policy is ${policy}${on}: when Redis is full it silently evicts keys (buffered events, endpoints, rate limits, dedupe keys). Set maxmemory-policy noeviction (then a full Redis answers 503 and nothing is lost)`;
		findings.push(
			options.allowEviction
				? {
						setting: 'maxmemory-policy',
						level: 'warning',
						message: `${message}; accepted because WEBHOOK_GATEWAY_ALLOW_EVICTION=true`,
					}
				: {
						setting: 'maxmemory-policy',
						level: 'risk',
						message: `${message}, or set WEBHOOK_GATEWAY_ALLOW_EVICTION=true to accept the risk`,
					},
		);
	} else
		findings.push({
			setting: 'maxmemory-policy',
			level: 'ok',
			message: 'maxmemory-policy noeviction',
		});

	const aof = info.get('aof_enabled');
	if (aof === undefined) {
		findings.push({
			setting: 'persistence',
			level: 'unknown',
			message: `could not check persistence${on} (INFO persistence gave no aof_enabled); run Redis with appendonly yes`,
		});
	} else if (aof !== '1') {
		const rdb = info.get('rdb_last_save_time') ? ' (the last RDB snapshot is what survives)' : '';
		findings.push({
			setting: 'persistence',
			level: 'warning',
			message: `Redis runs without AOF${on}: if Redis stops, every event accepted (202) since the last RDB snapshot is lost${rdb}, with registry and limit changes. Set appendonly yes (appendfsync everysec loses at most about 1 s, always loses nothing)`,
		});
	} else if (appendfsync === 'no') {
		findings.push({
			setting: 'persistence',
			level: 'warning',
			message: `Redis runs with appendfsync no${on}: a power loss or kernel crash loses what the OS had not written to disk yet (often up to 30 s of accepted events). Use appendfsync everysec (about 1 s) or always (nothing)`,
		});
	} else
		findings.push({
			setting: 'persistence',
			level: 'ok',
			message: `AOF on${appendfsync ? `, appendfsync ${appendfsync}` : ''}`,
		});

	const fatal = findings.find((f) => f.level === 'fatal')?.message;
	const risk = findings.find((f) => f.level === 'risk')?.message;
	return {
		version,
		maxmemoryPolicy: policy,
		aofEnabled: aof === undefined ? undefined : aof === '1',
		findings,
		fatal,
		notReady: fatal ?? risk,
	};
}

/** Logs a finding at the level it deserves: a risk as an error (loud), the rest as warnings. */
export function logFinding(logger: Logger, finding: ServerFinding): void {
	if (finding.level === 'ok') return;
	const log = finding.level === 'risk' || finding.level === 'fatal' ? logger.error : logger.warn;
	log(`Redis check: ${finding.message}`, { setting: finding.setting, level: finding.level });
}

/** Merges the results of several servers (the masters of a cluster): the worst of each. */
function merge(results: ServerCheckResult[]): ServerCheckResult {
	if (results.length === 1) return results[0];
	const findings = results.flatMap((r) => r.findings);
	const fatal = results.find((r) => r.fatal)?.fatal;
	return {
		version: results.map((r) => r.version).sort((a, b) => compareVersions(a ?? '0', b ?? '0'))[0],
		maxmemoryPolicy:
			results.find((r) => r.maxmemoryPolicy !== 'noeviction')?.maxmemoryPolicy ??
			results[0].maxmemoryPolicy,
		aofEnabled: results.every((r) => r.aofEnabled === true)
			? true
			: results.some((r) => r.aofEnabled === false)
				? false
				: undefined,
		findings,
		fatal,
		notReady: fatal ?? results.find((r) => r.notReady)?.notReady,
	};
}

/**
 * Reads INFO from the server (every master of a cluster) and decides. A server that refuses
 * INFO (ACL, renamed command) gives "could not check" findings; an unreachable one rejects.
 */
export async function checkRedisServer(
	redis: RedisClient,
	options: ServerCheckOptions,
): Promise<ServerCheckResult> {
	const servers =
		redis instanceof Cluster
			? redis
					.nodes('master')
					.map((node) => ({ node, where: `${node.options.host}:${node.options.port}` }))
			: [{ node: redis, where: '' }];
	return merge(
		await Promise.all(
			servers.map(async ({ node, where }) => {
				let text: string;
				try {
					text = await node.info();
				} catch (error) {
					if (
						!/NOPERM|unknown command|ERR .*INFO/i.test(error instanceof Error ? error.message : '')
					)
						throw error;
					text = '';
				}
				// CONFIG is often disabled or renamed on managed Redis: then the fsync policy is simply not checked.
				const fsync = await node.config('GET', 'appendfsync').then(
					(reply) => (Array.isArray(reply) && typeof reply[1] === 'string' ? reply[1] : undefined),
					() => undefined,
				);
				return decideServerCheck(text, options, where, fsync);
			}),
		),
	);
}
