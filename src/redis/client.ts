/**
 * The one place that creates ioredis clients (standalone or cluster) and registers the Lua
 * scripts with defineCommand. Clients fail fast while Redis is unreachable (no offline queue,
 * a command timeout) so the gateway answers 503 instead of hanging, and reconnect by themselves.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { luaPreamble } from './streamSchema';

export type RedisClient = Redis | Cluster;

export interface RedisConnectionOptions {
	/** redis:// or rediss:// URL (user, password, db and TLS come from it). */
	url: string;
	/** Seed nodes "host:port"; non-empty means Redis Cluster. */
	clusterNodes?: string[];
	/** Per-command timeout in ms (0 = none, for blocking connections). */
	commandTimeoutMs?: number;
	/** Batch concurrent commands into one write (request path). */
	autoPipelining?: boolean;
	/** Connection name shown by CLIENT LIST. */
	name?: string;
	/** Queue commands while (re)connecting instead of failing at once (management, CLI). */
	offlineQueue?: boolean;
}

/** Custom commands defined from src/redis/scripts/*.lua. */
export interface ScriptCommands {
	acceptEvent(...args: (string | number | Buffer)[]): Promise<unknown[]>;
	nackEvents(...args: (string | number)[]): Promise<[string[], string[]]>;
	ackEvents(...args: (string | number)[]): Promise<number>;
	trimEvents(...args: (string | number)[]): Promise<number[]>;
	readEventsBuffer(...args: (string | number)[]): Promise<unknown[]>;
	renewEvents(...args: (string | number)[]): Promise<number>;
	returnEvents(...args: (string | number)[]): Promise<number>;
	takeLease(...args: (string | number)[]): Promise<number>;
	releaseLease(...args: (string | number)[]): Promise<number>;
	replaceField(...args: string[]): Promise<number>;
}

export type ScriptedRedis = RedisClient & ScriptCommands;

const SCRIPTS_DIR = path.join(__dirname, 'scripts');

/**
 * Reads every `<name>-<numKeys>.lua` once per process, each behind the preamble that defines the
 * stream schema's names and the result codes (streamSchema.ts, scriptCodes.ts).
 */
let scriptCache: { name: string; numberOfKeys: number; lua: string }[] | undefined;
function loadScripts(): { name: string; numberOfKeys: number; lua: string }[] {
	if (!scriptCache) {
		scriptCache = fs
			.readdirSync(SCRIPTS_DIR)
			.filter((f) => f.endsWith('.lua'))
			.map((file) => {
				const match = /^(\w+)-(\d+)\.lua$/.exec(file);
				if (!match) throw new Error(`Lua script name must be <name>-<numKeys>.lua: ${file}`);
				return {
					name: match[1],
					numberOfKeys: Number(match[2]),
					lua: luaPreamble() + fs.readFileSync(path.join(SCRIPTS_DIR, file), 'utf8'),
				};
			});
	}
	return scriptCache;
}

/** How EVALSHA names a defined script: its SHA1 (of the text ioredis registers, preamble included) and key count. */
export function definedScript(name: keyof ScriptCommands): { sha: string; numberOfKeys: number } {
	const script = loadScripts().find((s) => s.name === name);
	if (!script) throw new Error(`No Lua script named ${name} in ${SCRIPTS_DIR}`);
	return {
		sha: createHash('sha1').update(script.lua).digest('hex'),
		numberOfKeys: script.numberOfKeys,
	};
}

function baseOptions(url: URL, options: RedisConnectionOptions): RedisOptions {
	return {
		username: url.username ? decodeURIComponent(url.username) : undefined,
		password: url.password ? decodeURIComponent(url.password) : undefined,
		db: url.pathname && url.pathname.length > 1 ? Number(url.pathname.slice(1)) : undefined,
		tls: url.protocol === 'rediss:' ? {} : undefined,
		connectionName: options.name,
		commandTimeout: options.commandTimeoutMs || undefined,
		enableOfflineQueue: options.offlineQueue ?? false,
		maxRetriesPerRequest: options.offlineQueue ? 2 : 0,
		enableAutoPipelining: options.autoPipelining ?? false,
		// Reconnect forever, backing off to 2 s: the gateway must recover on its own.
		retryStrategy: (times) => Math.min(100 * times, 2000),
		lazyConnect: false,
	};
}

/** Creates a client and registers the Lua scripts on it. */
export function createRedis(options: RedisConnectionOptions): ScriptedRedis {
	const url = new URL(options.url);
	const common = baseOptions(url, options);
	let client: RedisClient;
	if (options.clusterNodes && options.clusterNodes.length > 0) {
		client = new Cluster(
			options.clusterNodes.map((hp) => {
				const [host, port] = hp.split(':');
				return { host, port: Number(port) };
			}),
			{
				redisOptions: { ...common, enableAutoPipelining: undefined },
				enableOfflineQueue: common.enableOfflineQueue,
				enableAutoPipelining: common.enableAutoPipelining,
				maxRedirections: 16,
				clusterRetryStrategy: (times) => Math.min(100 * times, 2000),
			},
		);
	} else {
		client = new Redis({
			...common,
			host: url.hostname || '127.0.0.1',
			port: Number(url.port || 6379),
		});
	}
	// Errors surface on each command; an unhandled 'error' event would crash the process.
	client.on('error', () => undefined);
	for (const script of loadScripts()) {
		client.defineCommand(script.name, { numberOfKeys: script.numberOfKeys, lua: script.lua });
	}
	return client as ScriptedRedis;
}

/** A second connection with the same settings, for blocking reads; never times out on its own. */
export function duplicateForBlocking(options: RedisConnectionOptions): ScriptedRedis {
	return createRedis({
		...options,
		commandTimeoutMs: 0,
		autoPipelining: false,
		offlineQueue: true,
		name: `${options.name ?? 'wgw'}-blocking`,
	});
}

/** Redis's clock in ms: times compared across hosts (retention, usage days) all come from here. */
export async function redisTimeMs(redis: RedisClient): Promise<number> {
	const [sec, usec] = await redis.time();
	return Number(sec) * 1000 + Math.floor(Number(usec) / 1000);
}

/** Resolves once the client is ready, or rejects after timeoutMs. */
export async function waitReady(client: RedisClient, timeoutMs: number): Promise<void> {
	if (client.status === 'ready') return;
	await new Promise<void>((resolve, reject) => {
		const timer = setTimeout(() => {
			client.off('ready', onReady);
			reject(new Error(`Redis not ready within ${timeoutMs} ms`));
		}, timeoutMs);
		const onReady = () => {
			clearTimeout(timer);
			resolve();
		};
		client.once('ready', onReady);
	});
}
