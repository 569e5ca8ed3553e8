/**
 * The ingest contract served by someone else's HTTP server: n8n's, through the Webhook Gateway
 * Ingress node (docs/n8n-url.md). The same handler as the gateway's `/hooks/` fast path
 * (ingest.ts), with its registry cache, error translation and metrics, built on stores the caller
 * already holds (the n8n nodes' shared Redis client), so a request costs what it costs on the
 * gateway's own port plus what the host server does before it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GatewayConfig } from '../config';
import { GatewayError } from '../errors';
import type { Logger } from '../logger';
import type { ManagementService } from '../management/service';
import type { Stores } from '../redis';
import { RegistryCache } from '../registry/cache';
import { compileTrust } from './clientIp';
import { createErrorTranslator } from './errorAnswer';
import { createIngestHandler, matchHookUrl, sendError, type HookTarget } from './ingest';
import { GatewayMetrics } from './metrics';

export interface Ingress {
	/**
	 * Answers one request whose path, from `mount` on, reads `/hooks/<endpointId>[/sub/path]`.
	 * Writes the whole answer (404 `not_found` when the path does not); never rejects.
	 * @param mount the part of `req.url` in front of `/hooks/`, e.g. `/webhook/<webhook id>`.
	 */
	handle(req: IncomingMessage, res: ServerResponse, mount: string): Promise<void>;
	/** The ingest metrics of this process (Prometheus registry); nothing serves them by itself. */
	metrics: GatewayMetrics;
	/** Stops the registry subscription and timers; the stores stay open (the caller owns them). */
	close(): Promise<void>;
}

/**
 * The part of a request URL after `mount` as a hook target. @returns undefined when the URL does
 * not start with `mount` + `/hooks/<id>`; throws 400 invalid_request for a malformed escape.
 */
export function hookTargetUnder(url: string, mount: string): HookTarget | undefined {
	if (!url.startsWith(mount)) return undefined;
	return matchHookUrl(url.slice(mount.length));
}

/** Builds the ingest of `config` on open `stores` (and the management service on them, for plans). */
export function createIngress(
	stores: Stores,
	management: ManagementService,
	config: GatewayConfig,
	logger: Logger,
): Ingress {
	const cache = new RegistryCache(
		{
			loadEndpoint: (id) => stores.registry.getEndpoint(id),
			loadPlanOfAccount: (accountId) => management.planOfAccount(accountId),
		},
		config.registryCacheMs,
	);
	// Disabling an endpoint or rotating its secret takes effect at once, as on the gateway's port.
	const subscription = stores.registry.subscribe(
		stores.connection,
		(change) => cache.invalidate(change),
		() => cache.invalidate(),
	);
	// No buffer sampling here: the gateway's /metrics (or `webhook-gateway serve`) reports buffers.
	const metrics = new GatewayMetrics(async () => [], undefined, config.metricsSampleMs);
	const translateError = createErrorTranslator(logger, (reason) => metrics.storeError(reason));
	const ingest = createIngestHandler({
		cache,
		accept: stores.accept,
		stats: stores.stats,
		metrics,
		logger,
		maxBodyBytes: config.maxBodyBytes,
		defaultCapacity: config.bufferMaxEvents,
		defaultCapacityBytes: config.bufferMaxBytes,
		trust: compileTrust(config.trustProxy),
		translateError,
	});
	return {
		metrics,
		async handle(req, res, mount) {
			let target: HookTarget | undefined;
			try {
				target = hookTargetUnder(req.url ?? '/', mount);
			} catch (error) {
				sendError(res, translateError(error, { surface: 'ingest', method: req.method }));
				return;
			}
			if (!target) {
				sendError(res, new GatewayError(404, 'not_found', 'No such route'));
				return;
			}
			await ingest(req, res, target);
		},
		async close() {
			translateError.close();
			await subscription.close();
		},
	};
}

/**
 * The answer when the ingest cannot be built at all (a credential value that cannot work, a Redis
 * too old): 500 internal_error, details only in the host's log, as on the gateway's own port.
 */
export function answerSetupFailure(res: ServerResponse): void {
	if (res.headersSent) res.destroy();
	else
		sendError(
			res,
			new GatewayError(
				'internal_error',
				'The webhook gateway ingress is not configured correctly; see the n8n log',
			),
		);
}
