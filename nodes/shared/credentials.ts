/**
 * The Webhook Gateway credential as the nodes read it: its field names, and its translation into
 * GatewaySettings / GatewayConfig (src/runtime/settings.ts does the real work).
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import { loadN8nServeConfig, type GatewayConfig } from '../../src/config';
import type { Logger } from '../../src/logger';
import { gatewayConfigOf, type GatewaySettings } from '../../src/runtime/settings';
import { checkNumber } from './parameters';

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

function wholeNumber(
	value: unknown,
	displayName: string,
	min: number,
	max: number,
): number | undefined {
	const checked = checkNumber(value, { displayName, min, max }, undefined);
	if (!checked.ok) throw new CredentialValueError(checked.error);
	return checked.value;
}

/** Reads the credential's fields; validates what the gateway would otherwise misread. */
export function settingsFromCredential(data: ICredentialDataDecryptedObject): GatewaySettings {
	const connectionType = data.connectionType === 'url' ? 'url' : 'fields';
	const keyPrefix =
		data.keyPrefix === undefined || data.keyPrefix === null ? undefined : String(data.keyPrefix);
	if (keyPrefix !== undefined && !KEY_PREFIX_RE.test(keyPrefix)) {
		throw new CredentialValueError(
			`Key Prefix may hold up to 64 characters from A-Z a-z 0-9 : _ . - (no braces or spaces); got ${JSON.stringify(keyPrefix)}`,
		);
	}
	const publicUrl = text(data.publicUrl);
	if (publicUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(publicUrl)) {
		throw new CredentialValueError(
			`Public Base URL must start with http:// or https://, e.g. https://hooks.example.com (got ${JSON.stringify(publicUrl)})`,
		);
	}
	const clusterNodes = text(data.clusterNodes);
	if (
		clusterNodes !== undefined &&
		!/^\s*[^\s:,]+:\d+(\s*,\s*[^\s:,]+:\d+)*\s*$/.test(clusterNodes)
	) {
		throw new CredentialValueError(
			`Cluster Seed Nodes must be host:port pairs separated by commas, e.g. redis-1:6379,redis-2:6379 (got ${JSON.stringify(clusterNodes)})`,
		);
	}
	return {
		connectionType,
		redisUrl: text(data.redisUrl),
		host: text(data.host),
		port: wholeNumber(data.port, 'Port', 1, 65535),
		user: text(data.user),
		password:
			data.password === undefined || data.password === null || data.password === ''
				? undefined
				: String(data.password),
		database: wholeNumber(data.database, 'Database', 0, 1_000_000),
		tls: data.tls === true,
		clusterNodes,
		keyPrefix,
		publicUrl,
	};
}

/**
 * The gateway config for a credential: WEBHOOK_GATEWAY_* environment defaults of this n8n
 * process with the credential's values on top.
 * @throws CredentialValueError, ValidationError (Redis URL) or ConfigError (environment).
 */
export function configFromCredential(
	data: ICredentialDataDecryptedObject,
	env: NodeJS.ProcessEnv = process.env,
): GatewayConfig {
	return gatewayConfigOf(settingsFromCredential(data), env);
}

/**
 * Whether this n8n process serves the endpoints on a port of its own: WEBHOOK_GATEWAY_N8N_SERVE,
 * set by the n8n admin (default off). @throws ConfigError for a bad value.
 */
export function servesEndpoints(env: NodeJS.ProcessEnv = process.env): boolean {
	return loadN8nServeConfig(env).serve;
}

/**
 * What an old credential's "Serve Endpoints From This n8n Instance", "Listen Host" and "Listen
 * Port" values (fields of earlier versions, which n8n keeps in stored credentials) would have
 * done differently from this process's environment, as a warning naming the variables to set;
 * undefined when they agree or are absent. The values themselves are ignored.
 */
export function legacyServeWarning(
	data: ICredentialDataDecryptedObject,
	env: NodeJS.ProcessEnv = process.env,
): string | undefined {
	// The credential type still declares the fields, hidden, with '' as default (= never set).
	const stored = (value: unknown) =>
		value === undefined || value === null || value === '' ? undefined : value;
	if (
		stored(data.serve) === undefined &&
		stored(data.serveHost) === undefined &&
		stored(data.servePort) === undefined
	)
		return undefined;
	const now = loadN8nServeConfig(env);
	const wanted = data.serve !== false;
	const wantedHost = text(data.serveHost) ?? '0.0.0.0';
	const wantedPort = Number(stored(data.servePort) ?? 5680);
	const differs =
		wanted !== now.serve || (wanted && (wantedHost !== now.host || wantedPort !== now.port));
	if (!differs) return undefined;
	const asked = wanted ? `serve endpoints on ${wantedHost}:${wantedPort}` : 'not serve endpoints';
	const set = wanted
		? `set WEBHOOK_GATEWAY_N8N_SERVE=true${wantedHost === now.host ? '' : `, WEBHOOK_GATEWAY_N8N_HOST=${wantedHost}`}${wantedPort === now.port ? '' : `, WEBHOOK_GATEWAY_N8N_PORT=${wantedPort}`}`
		: 'unset WEBHOOK_GATEWAY_N8N_SERVE (a standalone gateway serves the endpoints)';
	const doing = now.serve
		? `this n8n serves them on ${now.host}:${now.port}`
		: 'this n8n opens no port for them';
	return `A Webhook Gateway credential asks to ${asked}; credentials no longer decide that and the value is ignored: ${doing}. To change it, the n8n admin must ${set} in the environment of n8n's process and restart n8n (see the README, "Configuration").`;
}

const WARNED = Symbol.for('n8n-nodes-webhook-gateway.legacyServeWarned');

/** Logs legacyServeWarning once per n8n process (per distinct warning), however many triggers use the credential. */
export function warnLegacyServeFields(
	data: ICredentialDataDecryptedObject,
	logger: Logger,
	env: NodeJS.ProcessEnv = process.env,
): void {
	const warning = legacyServeWarning(data, env);
	if (warning === undefined) return;
	const warned = ((globalThis as Record<symbol, unknown>)[WARNED] ??=
		new Set<string>()) as Set<string>;
	if (warned.has(warning)) return;
	warned.add(warning);
	logger.warn(warning);
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
