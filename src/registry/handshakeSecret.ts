/**
 * Secrets that arrive in a provider's handshake (Asana's `X-Hook-Secret`, docs/providers/asana.md):
 * stored like every endpoint secret (sealed at rest by the registry store), and only while the
 * endpoint waits for one, once. A stranger who finds the URL later cannot replace the secret: after
 * the first handshake, or while nobody re-armed the endpoint, the next one is refused.
 */
import { withHandshakeSecret } from '../auth';
import type { EndpointRecord } from '../types';

/** What the ingest path needs: store a handshake's secret if the endpoint waits for one. */
export interface HandshakeSecretStore {
	/**
	 * Stores `secret` as the endpoint's current secret and stops waiting, atomically.
	 * @param nowMs ms since the epoch (the secret's creation time)
	 * @returns false when the endpoint does not wait for a secret (or another handshake came first)
	 */
	storeHandshakeSecret(endpointId: string, secret: string, nowMs: number): Promise<boolean>;
}

/** The registry operation the store uses (compare and set of one endpoint record). */
export interface EndpointUpdater {
	updateEndpointIf(
		id: string,
		change: (record: EndpointRecord) => EndpointRecord | undefined,
	): Promise<EndpointRecord | undefined>;
}

/** The record after a handshake delivered `secret`, or undefined when it does not wait for one. */
export function acceptHandshakeSecret(
	record: EndpointRecord,
	secret: string,
	nowMs: number,
): EndpointRecord | undefined {
	if (
		record.awaitingHandshakeSecret !== true ||
		record.auth.type !== 'hmac' ||
		record.auth.preset !== 'asana'
	)
		return undefined;
	const { awaitingHandshakeSecret: _waited, ...rest } = record;
	return {
		...rest,
		secrets: withHandshakeSecret(record.secrets, secret, nowMs),
		updatedAt: new Date(nowMs).toISOString(),
	};
}

export function handshakeSecretStore(registry: EndpointUpdater): HandshakeSecretStore {
	return {
		async storeHandshakeSecret(endpointId, secret, nowMs) {
			return (
				(await registry.updateEndpointIf(endpointId, (record) =>
					acceptHandshakeSecret(record, secret, nowMs),
				)) !== undefined
			);
		},
	};
}
