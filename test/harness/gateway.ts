/**
 * Test gateways: an in-process gateway on a free loopback port against a given Redis (standalone
 * or cluster), or standalone `webhook-gateway serve` processes started from the built bin.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { loadConfig, type GatewayConfig } from '../../src/config';
import { startGateway, type RunningGateway } from '../../src/gateway/server';
import { silentLogger } from '../../src/logger';
import { freePort, waitForPort } from './ports';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdefghij';
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export interface RedisTarget {
	url: string;
	clusterNodes?: string[];
}

export function uniquePrefix(): string {
	return `t${randomBytes(4).toString('hex')}:`;
}

export function testConfig(
	target: RedisTarget,
	overrides: Partial<GatewayConfig> = {},
): GatewayConfig {
	const base = loadConfig({
		WEBHOOK_GATEWAY_REDIS_URL: target.url,
		WEBHOOK_GATEWAY_ADMIN_TOKEN: ADMIN_TOKEN,
		WEBHOOK_GATEWAY_HOST: '127.0.0.1',
		WEBHOOK_GATEWAY_KEY_PREFIX: uniquePrefix(),
		WEBHOOK_GATEWAY_LOG_LEVEL: 'silent',
	});
	// Tests send many wrong tokens from one address on purpose; test/integration/auth-failures.test.ts
	// sets the limit it checks.
	return {
		...base,
		port: 0,
		redisClusterNodes: target.clusterNodes ?? [],
		authFailureLimit: 1_000_000,
		...overrides,
	};
}

export interface TestGateway extends RunningGateway {
	config: GatewayConfig;
	/** fetch against the gateway: path relative to its URL. */
	request(pathname: string, init?: RequestInit): Promise<Response>;
	/** Admin API call with the bearer token; parses JSON. */
	admin<T = any>(
		method: string,
		pathname: string,
		body?: unknown,
	): Promise<{ status: number; body: T }>;
}

export async function startTestGateway(
	target: RedisTarget,
	overrides: Partial<GatewayConfig> = {},
): Promise<TestGateway> {
	const config = testConfig(target, overrides);
	const running = await startGateway(config, { logger: silentLogger });
	const base = running.url;
	return Object.assign(running, {
		config: { ...config, publicUrl: config.publicUrl },
		request: (pathname: string, init?: RequestInit) => fetch(base + pathname, init),
		async admin(method: string, pathname: string, body?: unknown) {
			const res = await fetch(`${running.adminUrl ?? base}/api/v1${pathname}`, {
				method,
				headers: {
					authorization: `Bearer ${ADMIN_TOKEN}`,
					...(body === undefined ? {} : { 'content-type': 'application/json' }),
				},
				body: body === undefined ? undefined : JSON.stringify(body),
			});
			const text = await res.text();
			return { status: res.status, body: text ? JSON.parse(text) : undefined };
		},
	});
}

export interface GatewayProcess {
	url: string;
	port: number;
	child: ChildProcess;
	output(): string;
	stop(): Promise<void>;
	kill(): Promise<void>;
}

/**
 * Starts `node bin/webhook-gateway.js serve` (needs `npm run build`) with the given env: one
 * process unless `env` sets WEBHOOK_GATEWAY_WORKERS (the tests of several gateways start several
 * of these; test/integration/workers.test.ts covers `--workers`).
 */
export async function spawnGateway(env: Record<string, string>): Promise<GatewayProcess> {
	const port = await freePort();
	let out = '';
	const child = spawn(
		process.execPath,
		[path.join(REPO_ROOT, 'bin', 'webhook-gateway.js'), 'serve'],
		{
			env: {
				PATH: process.env.PATH ?? '',
				WEBHOOK_GATEWAY_HOST: '127.0.0.1',
				WEBHOOK_GATEWAY_PORT: String(port),
				WEBHOOK_GATEWAY_LOG_LEVEL: 'warn',
				WEBHOOK_GATEWAY_WORKERS: '1',
				...env,
			},
			stdio: ['ignore', 'pipe', 'pipe'],
		},
	);
	child.stdout?.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
	child.stderr?.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	try {
		await Promise.race([
			waitForPort(port, 15_000),
			exited.then(() => Promise.reject(new Error(`gateway exited: ${out}`))),
		]);
	} catch (error) {
		child.kill('SIGKILL');
		throw error;
	}
	const stopWith = async (signal: NodeJS.Signals) => {
		if (child.exitCode !== null || child.signalCode !== null) return;
		child.kill(signal);
		const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
		await exited;
		clearTimeout(timer);
	};
	return {
		url: `http://127.0.0.1:${port}`,
		port,
		child,
		output: () => out,
		stop: () => stopWith('SIGTERM'),
		kill: () => stopWith('SIGKILL'),
	};
}
