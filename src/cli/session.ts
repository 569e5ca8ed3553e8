/**
 * What every CLI command shares: the configuration (environment plus the global --redis-url and
 * --key-prefix flags), one ManagementService on stores opened on first use, the output mode
 * (`--json` or human) and closing Redis at the end so the process exits by itself.
 */
import type { Command } from 'commander';
import { ConfigError, loadConfig, requestLogOptionsOf, type GatewayConfig } from '../config';
import { ManagementService } from '../management/service';
import { createStores, type Stores } from '../redis';
import { secretCodecOf } from '../security/secretBox';

/** Options every command inherits from the program. */
export interface GlobalOptions {
	redisUrl?: string;
	keyPrefix?: string;
	json?: boolean;
}

/** How long closing Redis may take before the connection is dropped (ms). */
const CLOSE_TIMEOUT_MS = 2000;

export class CliSession {
	/**
	 * Set by `serve`: a failed start ends the process at once, since a half-started gateway may
	 * hold connections that would keep it alive.
	 */
	exitOnFailure = false;
	private stores: Stores | undefined;
	private service: ManagementService | undefined;

	constructor(
		private readonly env: NodeJS.ProcessEnv,
		private readonly stdout: NodeJS.WritableStream = process.stdout,
	) {}

	/**
	 * The gateway configuration; `--redis-url` / `--key-prefix` replace their variables.
	 * @throws ConfigError naming the bad variable (or flag)
	 */
	config(command: Command): GatewayConfig {
		const globals = command.optsWithGlobals<GlobalOptions>();
		const env = { ...this.env };
		const flags: [string, string][] = [];
		if (globals.redisUrl !== undefined) {
			env.WEBHOOK_GATEWAY_REDIS_URL = globals.redisUrl;
			flags.push(['WEBHOOK_GATEWAY_REDIS_URL', '--redis-url']);
		}
		if (globals.keyPrefix !== undefined) {
			env.WEBHOOK_GATEWAY_KEY_PREFIX = globals.keyPrefix;
			flags.push(['WEBHOOK_GATEWAY_KEY_PREFIX', '--key-prefix']);
		}
		try {
			return loadConfig(env);
		} catch (error) {
			if (!(error instanceof ConfigError)) throw error;
			let message = error.message;
			for (const [name, flag] of flags)
				message = message.replaceAll(`${name}:`, `${flag} (${name}):`);
			throw new ConfigError(message);
		}
	}

	/**
	 * Appends a change made by this CLI to the audit log (who: `cli:<login name>`). Only after a
	 * command that used the management service (its stores are open then).
	 */
	async recordChange(action: string): Promise<void> {
		if (!this.stores) return;
		const user = this.env.USER ?? this.env.USERNAME;
		await this.stores.audit.append({
			at: new Date().toISOString(),
			who: user ? `cli:${user}` : 'cli',
			action,
			status: 0,
		});
	}

	/** The stores of the management service (opened on first use). */
	storesFor(command: Command): Stores {
		this.management(command);
		return this.stores as Stores;
	}

	/** The audit log, on the stores of the management service. */
	audit(command: Command): Stores['audit'] {
		return this.storesFor(command).audit;
	}

	/** The management service, on stores created at the first call. */
	management(command: Command): ManagementService {
		if (!this.service) {
			const config = this.config(command);
			this.stores = createStores(
				{
					url: config.redisUrl,
					clusterNodes: config.redisClusterNodes,
					commandTimeoutMs: config.redisCommandTimeoutMs,
					offlineQueue: true,
					name: 'wgw-cli',
				},
				config.keyPrefix,
				{
					deadLetterMax: config.deadLetterMax,
					secrets: secretCodecOf(config),
					requestLog: requestLogOptionsOf(config),
				},
			);
			this.service = new ManagementService(this.stores, {
				publicUrl: config.publicUrl,
				defaultPlan: config.defaultPlan,
				defaultBufferCapacity: config.bufferMaxEvents,
				defaultBufferMaxBytes: config.bufferMaxBytes,
				onDiscarded: (d) =>
					process.stderr.write(
						`warning: endpoint '${d.endpointId}' still buffered ${d.events} events (${d.bytes} bytes); they were discarded with it\n`,
					),
			});
		}
		return this.service;
	}

	/** The Redis URL in use, without its password (for error messages). */
	redisUrlForDisplay(): string | undefined {
		if (!this.stores) return undefined;
		const url = new URL(this.stores.connection.url);
		if (url.password) url.password = '***';
		return url.toString();
	}

	/** Whether the command asked for machine output. */
	isJson(command: Command): boolean {
		return command.optsWithGlobals<GlobalOptions>().json === true;
	}

	/**
	 * Prints a command's result: exactly `value` as JSON with --json (nothing for a void result),
	 * else `human(value)`.
	 */
	print<T>(command: Command, value: T, human: (value: T) => string): void {
		if (this.isJson(command)) {
			if (value !== undefined) this.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
			return;
		}
		this.stdout.write(`${human(value)}\n`);
	}

	/** Closes Redis (QUIT when connected, else drop the connection at once). */
	async close(): Promise<void> {
		const stores = this.stores;
		this.stores = undefined;
		this.service = undefined;
		if (!stores) return;
		if (stores.ready) {
			let timer: NodeJS.Timeout | undefined;
			await Promise.race([
				stores.close(),
				new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_TIMEOUT_MS))),
			]);
			clearTimeout(timer);
		}
		stores.disconnect();
	}
}
