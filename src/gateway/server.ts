/**
 * Runs the gateway on HTTP: listen, server timeouts that bound slow or stalled clients, and a
 * graceful close (stop accepting, let in-flight requests finish, then close Redis).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkDefaultPlan, ConfigError, type GatewayConfig } from '../config';
import { jsonLogger, type Logger } from '../logger';
import { createGatewayApp, type GatewayApp, type GatewayAppOptions } from './app';

export interface RunningGateway {
	/** Base URL it listens on, e.g. http://127.0.0.1:5680. */
	url: string;
	port: number;
	adminUrl?: string;
	gateway: GatewayApp;
	close(): Promise<void>;
}

/** Server timeouts (ms): a request must send its headers within 10 s and finish within 30 s. */
export const SERVER_TIMEOUTS = {
	headersTimeoutMs: 10_000,
	requestTimeoutMs: 30_000,
	keepAliveTimeoutMs: 5_000,
	shutdownGraceMs: 10_000,
};

function listen(server: http.Server, port: number, host: string): Promise<number> {
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, () => {
			server.off('error', reject);
			resolve((server.address() as AddressInfo).port);
		});
	});
}

function makeServer(handler: http.RequestListener): http.Server {
	// Node checks headersTimeout/requestTimeout every 30 s by default; check every second so slow
	// clients are cut on time.
	const server = http.createServer({ connectionsCheckingInterval: 1000 }, handler);
	server.headersTimeout = SERVER_TIMEOUTS.headersTimeoutMs;
	server.requestTimeout = SERVER_TIMEOUTS.requestTimeoutMs;
	server.keepAliveTimeout = SERVER_TIMEOUTS.keepAliveTimeoutMs;
	return server;
}

async function closeServer(server: http.Server): Promise<void> {
	await new Promise<void>((resolve) => {
		const force = setTimeout(() => server.closeAllConnections(), SERVER_TIMEOUTS.shutdownGraceMs);
		force.unref();
		server.close(() => {
			clearTimeout(force);
			resolve();
		});
		server.closeIdleConnections();
	});
}

/**
 * What can only be checked with Redis at hand: a Redis too old for the scripts, and a default plan
 * that is neither built in nor stored. Settings that put data at risk are logged and make /readyz
 * answer 503 (serverWatch.ts), but do not stop start-up.
 * @throws ConfigError naming the version or WEBHOOK_GATEWAY_DEFAULT_PLAN
 */
async function checkBeforeServing(gateway: GatewayApp, config: GatewayConfig): Promise<void> {
	const server = await gateway.serverWatch.run();
	if (server.fatal)
		throw new ConfigError(
			`Cannot start on this Redis (WEBHOOK_GATEWAY_REDIS_URL): ${server.fatal}`,
		);
	await checkDefaultPlan(
		config.defaultPlan,
		async (id) => (await gateway.stores.registry.getPlan(id)) !== undefined,
	);
}

/** Starts the gateway. `config.port` 0 picks a free port (tests). */
export async function startGateway(
	config: GatewayConfig,
	options: { logger?: Logger } & GatewayAppOptions = {},
): Promise<RunningGateway> {
	const logger = options.logger ?? jsonLogger(config.logLevel);
	const gateway = createGatewayApp(config, logger, { deliveryMetrics: options.deliveryMetrics });
	// Start serving even when Redis is down (requests get 503 store_unavailable until it is back).
	const reachable = await gateway.stores.waitReady(5000).then(
		() => true,
		() => false,
	);
	if (reachable) {
		try {
			await checkBeforeServing(gateway, config);
		} catch (error) {
			await gateway.close();
			throw error;
		}
	} else {
		logger.warn(
			'Redis is not reachable yet; answering 503 store_unavailable until it is (its version and settings are checked once it answers)',
			{ redis: config.redisUrl.replace(/\/\/[^@]*@/, '//***@') },
		);
	}
	const server = makeServer(gateway.handler);
	let adminServer: http.Server | undefined;
	let adminUrl: string | undefined;
	let port: number;
	try {
		port = await listen(server, config.port, config.host);
		if (gateway.adminApp) {
			adminServer = makeServer(gateway.adminApp);
			const adminPort = await listen(adminServer, config.adminPort, config.host);
			adminUrl = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${adminPort}`;
		}
	} catch (error) {
		// e.g. EADDRINUSE: release Redis and the timers so the caller (n8n) is not left with leaks.
		if (server.listening) await closeServer(server);
		await gateway.close();
		throw error;
	}
	const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
	const url = `http://${host}:${port}`;
	logger.info('webhook gateway listening', {
		url,
		publicUrl: config.publicUrl,
		adminUrl: adminUrl ?? `${url}/api/v1`,
	});
	let closing: Promise<void> | undefined;
	return {
		url,
		port,
		adminUrl,
		gateway,
		close() {
			closing ??= (async () => {
				await Promise.all([
					closeServer(server),
					adminServer ? closeServer(adminServer) : Promise.resolve(),
				]);
				await gateway.close();
				logger.info('webhook gateway stopped');
			})();
			return closing;
		},
	};
}
