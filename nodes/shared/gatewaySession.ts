/**
 * What a node holds while it works with the gateway: the shared Redis client (and, when the n8n
 * admin says so with WEBHOOK_GATEWAY_N8N_SERVE, the embedded gateway), both reference counted in
 * src/runtime/processResources.ts.
 * Closing is idempotent, bounded in time and never throws.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import type { GatewayConfig } from '../../src/config';
import type { Logger } from '../../src/logger';
import type { EndpointRef } from '../../src/redis';
import {
	acquireClient,
	acquireEmbeddedGateway,
	checkRedisOnce,
	type Lease,
	type SharedClient,
} from '../../src/runtime/processResources';
import type { EndpointView } from '../../src/types';
import { configFromCredential, redisTarget, servesEndpoints } from './credentials';

/** Longest closeFunction waits for the embedded gateway to stop, ms. */
export const CLOSE_TIMEOUT_MS = 5000;

export interface GatewaySession {
	config: GatewayConfig;
	client: SharedClient;
	/** "host:port" of Redis, for messages. */
	redis: string;
	/**
	 * Starts (or joins) the embedded gateway when this n8n serves endpoints (WEBHOOK_GATEWAY_N8N_SERVE);
	 * idempotent. Triggers call it once their endpoint is known to exist, so that a failing
	 * activation (which n8n retries) does not open and close the port each time.
	 */
	serve(): Promise<void>;
	/** Releases the embedded gateway (bounded); the client stays until `close`. */
	releaseGateway(): Promise<void>;
	/** Releases everything; idempotent, never throws, bounded by CLOSE_TIMEOUT_MS. */
	close(): Promise<void>;
}

/** Resolves after `ms` at most, whatever `work` does; never rejects. */
export async function bounded(work: Promise<unknown>, ms: number): Promise<void> {
	let timer: NodeJS.Timeout | undefined;
	await Promise.race([
		work.then(
			() => undefined,
			() => undefined,
		),
		new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))),
	]);
	if (timer) clearTimeout(timer);
}

/**
 * Opens the shared client for a credential and, with `serve`, the embedded gateway too (when
 * the environment says so).
 * @throws what configFromCredential / acquireClient throw (the caller wraps it for the user).
 */
export async function openGatewaySession(
	credential: ICredentialDataDecryptedObject,
	logger: Logger,
	options: { serve: boolean },
): Promise<GatewaySession> {
	const config = configFromCredential(credential);
	const serving = servesEndpoints();
	const clientLease = await acquireClient(config, logger);
	// Redis version and settings, logged on n8n's logger (once per shared client).
	let checked = false;
	try {
		await checkRedisOnce(clientLease.value, config, logger);
		checked = true;
	} finally {
		if (!checked) await clientLease.release().catch(() => undefined);
	}
	let gatewayLease: Promise<Lease<{ url: string } | undefined>> | undefined;
	let closing: Promise<void> | undefined;
	const releaseGateway = async () => {
		const lease = gatewayLease;
		if (lease)
			await bounded(
				lease.then((l) => l.release()),
				CLOSE_TIMEOUT_MS,
			);
	};
	const session: GatewaySession = {
		config,
		client: clientLease.value,
		redis: redisTarget(config),
		async serve() {
			if (closing || !serving) return;
			gatewayLease ??= acquireEmbeddedGateway(config, logger);
			await gatewayLease;
		},
		releaseGateway,
		close() {
			closing ??= bounded(Promise.all([releaseGateway(), clientLease.release()]), CLOSE_TIMEOUT_MS);
			return closing;
		},
	};
	if (options.serve) {
		let served = false;
		try {
			await session.serve();
			served = true;
		} finally {
			// The caller gets the error; the client must not stay open without an owner.
			if (!served) await clientLease.release().catch(() => undefined);
		}
	}
	return session;
}

/** The endpoint as the buffer addresses it. */
export function endpointRefOf(endpoint: EndpointView): EndpointRef {
	return { id: endpoint.id, accountId: endpoint.accountId };
}
