/**
 * Connection settings as the n8n credential holds them, and their translation into the gateway
 * config and Redis connection options. Environment variables still apply for what the credential
 * does not set (admin token, default plan, body limit ...).
 */
import { loadConfig, type GatewayConfig } from '../config';
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
	/** Base URL senders use, without /hooks; defaults to http://<serve host>:<serve port>. */
	publicUrl?: string;
	/** Start the gateway inside this n8n process. */
	serve?: boolean;
	serveHost?: string;
	servePort?: number;
}

export function redisUrlOf(s: GatewaySettings): string {
	if (s.connectionType === 'url') {
		const url = (s.redisUrl ?? '').trim();
		if (!/^rediss?:\/\//.test(url)) throw new ValidationError('Redis URL must start with redis:// or rediss://, e.g. redis://localhost:6379');
		return url;
	}
	const host = (s.host ?? 'localhost').trim() || 'localhost';
	const auth = s.password ? `${encodeURIComponent(s.user ?? '')}:${encodeURIComponent(s.password)}@` : s.user ? `${encodeURIComponent(s.user)}@` : '';
	return `${s.tls ? 'rediss' : 'redis'}://${auth}${host}:${s.port ?? 6379}/${s.database ?? 0}`;
}

/** The gateway config for these settings: environment defaults, credential values on top. */
export function gatewayConfigOf(s: GatewaySettings, env: NodeJS.ProcessEnv = process.env): GatewayConfig {
	const base = loadConfig(env);
	const port = s.servePort ?? base.port;
	const host = s.serveHost?.trim() || base.host;
	const localHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
	return {
		...base,
		redisUrl: redisUrlOf(s),
		redisClusterNodes: s.clusterNodes ? s.clusterNodes.split(',').map((x) => x.trim()).filter(Boolean) : base.redisClusterNodes,
		keyPrefix: s.keyPrefix === undefined || s.keyPrefix === '' ? base.keyPrefix : s.keyPrefix,
		publicUrl: (s.publicUrl?.trim() || env.WEBHOOK_GATEWAY_PUBLIC_URL || `http://${localHost}:${port}`).replace(/\/+$/, ''),
		host,
		port,
		// Derived only when this n8n serves the endpoints itself: with "serve" off, standalone
		// gateways (which do not know n8n's key) must read what the node writes.
		encryptionKey: base.encryptionKey || (s.serve === false ? '' : derivedKey(env)),
	};
}

/** Inside n8n without WEBHOOK_GATEWAY_ENCRYPTION_KEY: a key derived from n8n's own (n8nKey.ts). */
function derivedKey(env: NodeJS.ProcessEnv): string {
	const n8nKey = n8nEncryptionKey(env);
	return n8nKey === undefined ? '' : gatewayKeyFromN8n(n8nKey);
}

export function connectionOf(config: GatewayConfig, name: string): RedisConnectionOptions {
	return { url: config.redisUrl, clusterNodes: config.redisClusterNodes, commandTimeoutMs: config.redisCommandTimeoutMs, name, offlineQueue: true };
}
