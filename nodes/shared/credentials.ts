/**
 * The Webhook Gateway credential as the nodes read it: its field names, and its translation into
 * GatewaySettings / GatewayConfig (src/runtime/settings.ts does the real work).
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import type { GatewayConfig } from '../../src/config';
import { gatewayConfigOf, type GatewaySettings } from '../../src/runtime/settings';

/** The credential type name every node of this package declares. */
export const CREDENTIAL_TYPE = 'webhookGatewayApi';

/** Same rule as WEBHOOK_GATEWAY_KEY_PREFIX: no braces, so the cluster hash tag stays ours. */
const KEY_PREFIX_RE = /^[A-Za-z0-9:_.-]{0,64}$/;

/** Thrown for credential values that cannot work; the message says which field and why. */
export class CredentialValueError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'CredentialValueError';
	}
}

function text(value: unknown): string | undefined {
	if (value === undefined || value === null) return undefined;
	const s = String(value).trim();
	return s === '' ? undefined : s;
}

function wholeNumber(value: unknown, field: string, min: number, max: number): number | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const n = Number(value);
	if (!Number.isInteger(n) || n < min || n > max) throw new CredentialValueError(`${field} must be a whole number from ${min} to ${max} (got ${JSON.stringify(value)})`);
	return n;
}

/** Reads the credential's fields; validates what the gateway would otherwise misread. */
export function settingsFromCredential(data: ICredentialDataDecryptedObject): GatewaySettings {
	const connectionType = data.connectionType === 'url' ? 'url' : 'fields';
	const keyPrefix = data.keyPrefix === undefined || data.keyPrefix === null ? undefined : String(data.keyPrefix);
	if (keyPrefix !== undefined && !KEY_PREFIX_RE.test(keyPrefix)) {
		throw new CredentialValueError(`Key Prefix may hold up to 64 characters from A-Z a-z 0-9 : _ . - (no braces or spaces); got ${JSON.stringify(keyPrefix)}`);
	}
	const publicUrl = text(data.publicUrl);
	if (publicUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(publicUrl)) {
		throw new CredentialValueError(`Public Base URL must start with http:// or https://, e.g. https://hooks.example.com (got ${JSON.stringify(publicUrl)})`);
	}
	const clusterNodes = text(data.clusterNodes);
	if (clusterNodes !== undefined && !/^\s*[^\s:,]+:\d+(\s*,\s*[^\s:,]+:\d+)*\s*$/.test(clusterNodes)) {
		throw new CredentialValueError(`Cluster Seed Nodes must be host:port pairs separated by commas, e.g. redis-1:6379,redis-2:6379 (got ${JSON.stringify(clusterNodes)})`);
	}
	return {
		connectionType,
		redisUrl: text(data.redisUrl),
		host: text(data.host),
		port: wholeNumber(data.port, 'Port', 1, 65535),
		user: text(data.user),
		password: data.password === undefined || data.password === null || data.password === '' ? undefined : String(data.password),
		database: wholeNumber(data.database, 'Database', 0, 1_000_000),
		tls: data.tls === true,
		clusterNodes,
		keyPrefix,
		publicUrl,
		serve: data.serve !== false,
		serveHost: text(data.serveHost),
		servePort: wholeNumber(data.servePort, 'Port (serve)', 1, 65535),
	};
}

/**
 * The gateway config for a credential: WEBHOOK_GATEWAY_* environment defaults of this n8n
 * process with the credential's values on top.
 * @throws CredentialValueError, ValidationError (Redis URL) or ConfigError (environment).
 */
export function configFromCredential(data: ICredentialDataDecryptedObject, env: NodeJS.ProcessEnv = process.env): GatewayConfig {
	return gatewayConfigOf(settingsFromCredential(data), env);
}

/** Whether the credential asks this n8n process to serve the endpoints (default on). */
export function servesEndpoints(data: ICredentialDataDecryptedObject): boolean {
	return data.serve !== false;
}

/** "host:port" (or the cluster seeds) of a config, for messages; never the password. */
export function redisTarget(config: GatewayConfig): string {
	if (config.redisClusterNodes.length > 0) return `cluster ${config.redisClusterNodes.join(', ')}`;
	try {
		const url = new URL(config.redisUrl);
		return `${url.hostname || '127.0.0.1'}:${url.port || 6379}`;
	} catch {
		return 'the configured Redis';
	}
}
