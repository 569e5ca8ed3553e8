/**
 * Connection settings as the n8n credential holds them, and their translation into the gateway
 * config and Redis connection options. Environment variables still apply for what the credential
 * does not set (admin token, default plan, body limit ...); whether and where n8n's process listens
 * comes only from the environment (WEBHOOK_GATEWAY_N8N_*, config.ts).
 */
import { loadConfig, loadN8nServeConfig, type GatewayConfig } from '../config';
import { gatewayKeyFromN8n, n8nEncryptionKey } from './n8nKey';
import { ValidationError } from '../errors';
import type { RedisConnectionOptions } from '../redis';

export interface GatewaySettings {
	/** 'url' uses redisUrl; 'fields' builds it from host/port/user/password/database/tls. */
	connectionType: 'url' | 'fields';
	redisUrl?: string;
	host?: string;
	port?: number;
	user?: string;
	password?: string;
	database?: number;
	tls?: boolean;
	/** Comma-separated host:port seeds when Redis is a cluster. */
	clusterNodes?: string;
	keyPrefix?: string;
	/** Base URL senders use, without /hooks; defaults to http://<WEBHOOK_GATEWAY_N8N_HOST>:<..._PORT>. */
	publicUrl?: string;
}

export function redisUrlOf(s: GatewaySettings): string {
	if (s.connectionType === 'url') {
		const url = (s.redisUrl ?? '').trim();
		if (!/^rediss?:\/\//.test(url))
			throw new ValidationError(
				'Redis URL must start with redis:// or rediss://, e.g. redis://localhost:6379',
			);
		return url;
	}
	const host = (s.host ?? 'localhost').trim() || 'localhost';
	const auth = s.password
		? `${encodeURIComponent(s.user ?? '')}:${encodeURIComponent(s.password)}@`
		: s.user
			? `${encodeURIComponent(s.user)}@`
			: '';
	return `${s.tls ? 'rediss' : 'redis'}://${auth}${host}:${s.port ?? 6379}/${s.database ?? 0}`;
}

/**
 * The gateway config for these settings: environment defaults, credential values on top; the
 * listen address of the embedded gateway from WEBHOOK_GATEWAY_N8N_HOST / _PORT.
 * @throws ConfigError (environment) or ValidationError (Redis URL).
 */
export function gatewayConfigOf(
	s: GatewaySettings,
	env: NodeJS.ProcessEnv = process.env,
): GatewayConfig {
	const base = loadConfig(env);
	const { serve, host, port } = loadN8nServeConfig(env);
	const localHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
	return {
		...base,
		redisUrl: redisUrlOf(s),
		redisClusterNodes: s.clusterNodes
			? s.clusterNodes
					.split(',')
					.map((x) => x.trim())
					.filter(Boolean)
			: base.redisClusterNodes,
		keyPrefix: s.keyPrefix === undefined || s.keyPrefix === '' ? base.keyPrefix : s.keyPrefix,
		publicUrl: (
			s.publicUrl?.trim() ||
			env.WEBHOOK_GATEWAY_PUBLIC_URL ||
			`http://${localHost}:${port}`
		).replace(/\/+$/, ''),
		host,
		port,
		// Derived only when this n8n serves the endpoints itself: otherwise standalone gateways
		// (which do not know n8n's key) must read what the node writes.
		encryptionKey: base.encryptionKey || (serve ? derivedKey(env) : ''),
	};
}

/** Inside n8n without WEBHOOK_GATEWAY_ENCRYPTION_KEY: a key derived from n8n's own (n8nKey.ts). */
function derivedKey(env: NodeJS.ProcessEnv): string {
	const n8nKey = n8nEncryptionKey(env);
	return n8nKey === undefined ? '' : gatewayKeyFromN8n(n8nKey);
}

export function connectionOf(config: GatewayConfig, name: string): RedisConnectionOptions {
	return {
		url: config.redisUrl,
		clusterNodes: config.redisClusterNodes,
		commandTimeoutMs: config.redisCommandTimeoutMs,
		name,
		offlineQueue: true,
	};
}
