/**
 * Assembles the gateway: ingest under /hooks, the admin API under /api/v1 (its OpenAPI description
 * at /api/v1/openapi.json), the endpoint console under /console, health and metrics.
 * Shared by the standalone server (`webhook-gateway serve`) and the gateway embedded in n8n.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { requestLogOptionsOf, type GatewayConfig } from '../config';
import { GatewayError } from '../errors';
import type { Logger } from '../logger';
import { ManagementService } from '../management/service';
import { classifyStoreError, createStores, type Stores } from '../redis';
import { RegistryCache } from '../registry/cache';
import { createAdminRouter, localIngestUrl } from './admin';
import { createConsoleRouter } from './console';
import { createErrorTranslator } from './errorAnswer';
import { compileTrust } from './clientIp';
import { createIngestHandler, matchHookUrl, sendError, type HookTarget } from './ingest';
import { startHousekeeping } from './housekeeping';
import { GatewayMetrics } from './metrics';
import { bufferSampler } from './bufferSampler';
import { metricsAuth } from './metricsAuth';
import { AuthGuard } from './authGuard';
import { TokenService } from '../management/tokens';
import { ConsoleSessions } from './session';
import { secretCodecOf } from '../security/secretBox';
import { handshakeSecretStore } from '../registry/handshakeSecret';
import { serveOpenApi } from './openapi';
import { watchServer, type ServerWatch } from './serverWatch';

export interface GatewayApp {
	/** The request listener of the main port: `/hooks/<id>...` on the ingest fast path, the rest to `app`. */
	handler: RequestListener;
	/** Health, metrics, console (and the admin API unless it has a port of its own). */
	app: Express;
	/** The admin API on its own app when config.adminPort is set. */
	adminApp?: Express;
	stores: Stores;
	management: ManagementService;
	metrics: GatewayMetrics;
	/** The Redis version/settings check (start-up and every minute). */
	serverWatch: ServerWatch;
	close(): Promise<void>;
}

export interface GatewayAppOptions {
	/** Where /metrics gets the delivery counters from (GatewayMetrics); default: this process. */
	deliveryMetrics?: () => Promise<string>;
}

export function createGatewayApp(
	config: GatewayConfig,
	logger: Logger,
	options: GatewayAppOptions = {},
): GatewayApp {
	const stores = createStores(
		{
			url: config.redisUrl,
			clusterNodes: config.redisClusterNodes,
			commandTimeoutMs: config.redisCommandTimeoutMs,
			autoPipelining: true,
			name: 'wgw-gateway',
		},
		config.keyPrefix,
		{
			deadLetterMax: config.deadLetterMax,
			secrets: secretCodecOf(config),
			requestLog: requestLogOptionsOf(config),
		},
	);
	warnIfSecretsInPlaintext(config, logger);
	const management = new ManagementService(stores, {
		publicUrl: config.publicUrl,
		defaultPlan: config.defaultPlan,
		defaultBufferCapacity: config.bufferMaxEvents,
		defaultBufferMaxBytes: config.bufferMaxBytes,
		onDiscarded: (d) => {
			metrics.discarded(d.endpointId, d.reason, d.events);
			logger.warn('endpoint deleted with events still buffered; they are discarded', {
				endpoint: d.endpointId,
				reason: d.reason,
				events: d.events,
				bytes: d.bytes,
			});
		},
	});
	const cache = new RegistryCache(
		{
			loadEndpoint: (id) => stores.registry.getEndpoint(id),
			loadPlanOfAccount: (a) => management.planOfAccount(a),
		},
		config.registryCacheMs,
	);
	const subscription = stores.registry.subscribe(
		stores.connection,
		(change) => cache.invalidate(change),
		() => cache.invalidate(),
	);

	const metrics = new GatewayMetrics(
		bufferSampler(stores),
		options.deliveryMetrics,
		config.metricsSampleMs,
	);
	const translateError = createErrorTranslator(logger, (reason) => metrics.storeError(reason));
	const serverWatch = watchServer(stores, { allowEviction: config.allowEviction }, logger, metrics);

	const app = express();
	app.disable('x-powered-by');
	app.set('etag', false);
	app.set('trust proxy', config.trustProxy);
	const ingest = createIngestHandler({
		cache,
		accept: stores.accept,
		stats: stores.stats,
		requestLog: stores.requestLog,
		handshakeSecrets: handshakeSecretStore(stores.registry),
		metrics,
		logger,
		maxBodyBytes: config.maxBodyBytes,
		defaultCapacity: config.bufferMaxEvents,
		defaultCapacityBytes: config.bufferMaxBytes,
		trust: compileTrust(config.trustProxy),
		translateError,
	});

	app.get('/healthz', (_req, res) => {
		res.json({ status: 'ok' });
	});
	app.get('/readyz', async (_req, res) => {
		if (!(await stores.ping())) {
			res.setHeader('Retry-After', '5');
			res.status(503).json({
				status: 'unavailable',
				error: { code: 'store_unavailable', message: 'Redis is unreachable' },
			});
			return;
		}
		// Reachable, but its settings may put accepted events at risk (serverWatch.ts). Not checked
		// yet when Redis was unreachable at start-up: check now rather than answer ready unchecked.
		const checked = serverWatch.current ?? (await serverWatch.run().catch(() => undefined));
		const atRisk = checked?.notReady;
		if (atRisk) {
			res
				.status(503)
				.json({ status: 'unavailable', error: { code: 'redis_settings', message: atRisk } });
			return;
		}
		res.json({ status: 'ready' });
	});
	// Metrics name every endpoint: behind a credential, and on the admin port when there is one.
	const guard = new AuthGuard(
		stores.authFailures,
		logger,
		(surface) => metrics.authFailure(surface),
		config.authFailureLimit,
	);
	const tokens = new TokenService(stores.tokens, () => stores.sessions.serverSecret());
	const guardMetrics = metricsAuth({
		adminToken: config.adminToken,
		metricsToken: config.metricsToken,
		hasScope: async (token, scope) =>
			(await tokens.verify(token))?.scopes.some((s) => s === scope || s === 'admin') ?? false,
		// Metrics matter most while Redis fails (store errors, setting gauges): a limit that cannot be
		// read then does not refuse the scrape; the token is still checked, and failures still counted.
		check: (req) =>
			guard.check(req).catch((error: unknown) => {
				if (classifyStoreError(error) === undefined) throw error;
			}),
		onFailure: (req) => void guard.failed(req, 'metrics'),
	});
	const serveMetrics = async (_req: Request, res: Response) => {
		const { contentType, body } = await metrics.text();
		res.setHeader('Content-Type', contentType);
		res.setHeader('Cache-Control', 'no-store');
		res.send(body);
	};
	if (config.adminPort === 0) app.get('/metrics', guardMetrics, serveMetrics);

	// The admin API's OpenAPI document: public, so it is routed before the admin router's auth.
	app.get('/api/v1/openapi.json', serveOpenApi(config.publicUrl));
	const sessions = new ConsoleSessions(stores.sessions, config.adminToken);
	const admin = createAdminRouter({
		management,
		adminToken: config.adminToken,
		sessions,
		guard,
		audit: stores.audit,
		tokens,
		logger,
		ingestBaseUrl: config.adminPort > 0 ? localIngestUrl(config.host, config.port) : undefined,
		translateError,
	});
	const consoleRouter = createConsoleRouter({
		adminToken: config.adminToken,
		sessions,
		guard,
		adminApi: admin,
		translateError,
	});
	let adminApp: Express | undefined;
	if (config.adminPort > 0) {
		adminApp = express();
		adminApp.disable('x-powered-by');
		// Like the ingest app: behind a proxy, req.ip (the failed-login limit's key) is the client's.
		adminApp.set('trust proxy', config.trustProxy);
		adminApp.get('/api/v1/openapi.json', serveOpenApi(''));
		adminApp.get('/metrics', guardMetrics, serveMetrics);
		adminApp.use('/api/v1', admin);
		adminApp.use('/console', consoleRouter);
		adminApp.use(notFound);
		adminApp.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
			if (!res.headersSent)
				sendError(
					res,
					translateError(error, { surface: 'gateway', method: req.method, path: req.originalUrl }),
				);
		});
	} else {
		app.use('/api/v1', admin);
		app.use('/console', consoleRouter);
	}
	app.use(notFound);
	app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
		if (!res.headersSent)
			sendError(
				res,
				translateError(error, { surface: 'gateway', method: req.method, path: req.originalUrl }),
			);
	});

	const stopHousekeeping = startHousekeeping(stores, config, logger, metrics);

	const handler = (req: IncomingMessage, res: ServerResponse) => {
		let target: HookTarget | undefined;
		try {
			target = matchHookUrl(req.url ?? '/');
		} catch (error) {
			sendError(res, translateError(error, { surface: 'gateway', method: req.method }));
			return;
		}
		if (target) void ingest(req, res, target);
		else app(req, res);
	};

	return {
		handler,
		app,
		adminApp,
		stores,
		management,
		metrics,
		serverWatch,
		async close() {
			stopHousekeeping();
			serverWatch.close();
			translateError.close();
			await subscription.close();
			await stores.close();
		},
	};
}

let warnedPlaintext = false;

/** Once per process: without an encryption key, a reader of Redis can forge every endpoint's webhooks. */
function warnIfSecretsInPlaintext(config: GatewayConfig, logger: Logger): void {
	if (config.encryptionKey !== '' || warnedPlaintext) return;
	warnedPlaintext = true;
	logger.warn(
		'endpoint secrets are stored in Redis in plaintext: set WEBHOOK_GATEWAY_ENCRYPTION_KEY (at least 32 characters) to encrypt them, then run `webhook-gateway secrets re-encrypt` (docs/security.md)',
	);
}

function notFound(_req: Request, res: Response): void {
	sendError(res, new GatewayError(404, 'not_found', 'No such route'));
}
