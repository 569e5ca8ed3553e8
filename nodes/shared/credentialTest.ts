/**
 * The Webhook Gateway credential's Test button: connect with a short-lived client, PING, count the
 * endpoints under the key prefix, always disconnect, and say in plain words what is wrong.
 */
import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	INodeCredentialTestResult,
} from 'n8n-workflow';
import type { GatewayConfig } from '../../src/config';
import { createStores } from '../../src/redis';
import { connectionOf } from '../../src/runtime/settings';
import { configFromCredential, redisTarget } from './credentials';
import { describeRedisFailure, messageOf } from './errors';

/** How long the test waits for Redis, ms. */
export const CREDENTIAL_TEST_TIMEOUT_MS = 5000;

class TestTimeout extends Error {
	constructor(ms: number) {
		super(`timed out after ${ms} ms`);
		this.name = 'TestTimeout';
	}
}

/** Connects, pings and counts endpoints; never throws. */
export async function testGatewayConnection(
	config: GatewayConfig,
	timeoutMs = CREDENTIAL_TEST_TIMEOUT_MS,
): Promise<INodeCredentialTestResult> {
	const target = redisTarget(config);
	const seconds = Math.round(timeoutMs / 100) / 10;
	let stores: ReturnType<typeof createStores> | undefined;
	// The socket error says more than the command's (ECONNREFUSED vs "max retries").
	let socketError: unknown;
	let timer: NodeJS.Timeout | undefined;
	try {
		stores = createStores(
			{ ...connectionOf(config, 'wgw-credential-test'), commandTimeoutMs: timeoutMs },
			config.keyPrefix,
		);
		stores.onConnectionError((error) => {
			socketError ??= error;
		});
		const opened = stores;
		const probe = (async () => {
			// Listing the endpoints is the round trip that proves the connection (and read access).
			return (await opened.registry.listEndpoints()).length;
		})();
		const timeout = new Promise<never>((_, reject) => {
			timer = setTimeout(() => reject(new TestTimeout(timeoutMs)), timeoutMs);
		});
		const endpoints = await Promise.race([probe, timeout]);
		probe.catch(() => undefined);
		const where = config.keyPrefix
			? `under key prefix '${config.keyPrefix}'`
			: 'without a key prefix';
		return {
			status: 'OK',
			message: `Connected to Redis at ${target}; ${endpoints} endpoint${endpoints === 1 ? '' : 's'} registered ${where}.`,
		};
	} catch (error) {
		const cause =
			socketError && (error instanceof TestTimeout || isGeneric(error)) ? socketError : error;
		return { status: 'Error', message: describeRedisFailure(cause, target, seconds) };
	} finally {
		if (timer) clearTimeout(timer);
		try {
			stores?.disconnect();
		} catch {
			// Disconnecting a client that never connected: nothing to release.
		}
	}
}

/** Errors that only say "it failed" and hide the socket's reason. */
function isGeneric(error: unknown): boolean {
	return /MaxRetriesPerRequest|max retries|Connection is closed|enableOfflineQueue|Stream isn't writeable/i.test(
		messageOf(error),
	);
}

/** `methods.credentialTest.webhookGatewayApiTest` of every node that uses the credential. */
export async function webhookGatewayApiTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	let config: GatewayConfig;
	try {
		config = configFromCredential(credential.data ?? {});
	} catch (error) {
		return { status: 'Error', message: messageOf(error) };
	}
	return await testGatewayConnection(config);
}

/** The name nodes give in `credentials: [{ testedBy }]`. */
export const CREDENTIAL_TEST_METHOD = 'webhookGatewayApiTest';
