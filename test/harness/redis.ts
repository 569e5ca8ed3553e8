/**
 * Starts private `redis-server` processes for tests: a standalone server (AOF on, own dir, free
 * loopback port) or a 3-master cluster. Everything is stopped by pid; nothing depends on a server
 * started by hand. `redis-server` must be on PATH (scripts/test.sh installs it when missing).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, waitForPort } from './ports';

export interface RedisServer {
	port: number;
	url: string;
	dir: string;
	/** Stops the server (SIGTERM, then SIGKILL) and removes its dir. */
	stop(): Promise<void>;
	/** SIGKILL, keeping the data dir (for fault tests). */
	kill(): Promise<void>;
	/** Starts again on the same port and dir (AOF is replayed). */
	start(): Promise<void>;
}

export interface RedisOptions {
	appendfsync?: 'always' | 'everysec' | 'no';
	extraArgs?: string[];
}

function waitExit(child: ChildProcess, timeoutMs: number): Promise<void> {
	return new Promise((resolve) => {
		if (child.exitCode !== null || child.signalCode !== null) return resolve();
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
		}, timeoutMs);
		child.once('exit', () => {
			clearTimeout(timer);
			resolve();
		});
	});
}

export async function startRedis(options: RedisOptions = {}): Promise<RedisServer> {
	const port = await freePort();
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wgw-redis-'));
	let child: ChildProcess | undefined;
	const args = [
		'--port',
		String(port),
		'--bind',
		'127.0.0.1',
		'--save',
		'',
		'--appendonly',
		'yes',
		'--appendfsync',
		options.appendfsync ?? 'everysec',
		'--dir',
		dir,
		'--logfile',
		path.join(dir, 'redis.log'),
		...(options.extraArgs ?? []),
	];
	const server: RedisServer = {
		port,
		url: `redis://127.0.0.1:${port}`,
		dir,
		async start() {
			child = spawn('redis-server', args, { stdio: 'ignore' });
			child.on('error', (error) => {
				throw new Error(`could not start redis-server: ${error.message}`);
			});
			await waitForPort(port);
		},
		async kill() {
			if (!child) return;
			child.kill('SIGKILL');
			await waitExit(child, 5000);
			child = undefined;
		},
		async stop() {
			if (child) {
				child.kill('SIGTERM');
				await waitExit(child, 5000);
				child = undefined;
			}
			fs.rmSync(dir, { recursive: true, force: true });
		},
	};
	await server.start();
	return server;
}

export interface RedisCluster {
	nodes: { host: string; port: number }[];
	stop(): Promise<void>;
}

/** Three masters, no replicas, slots spread by redis-cli. */
export async function startRedisCluster(): Promise<RedisCluster> {
	const servers: RedisServer[] = [];
	for (let i = 0; i < 3; i++) {
		servers.push(
			await startRedis({
				extraArgs: [
					'--cluster-enabled',
					'yes',
					'--cluster-config-file',
					'nodes.conf',
					'--cluster-node-timeout',
					'5000',
				],
			}),
		);
	}
	const created = spawnSync(
		'redis-cli',
		[
			'--cluster',
			'create',
			...servers.map((s) => `127.0.0.1:${s.port}`),
			'--cluster-replicas',
			'0',
			'--cluster-yes',
		],
		{ encoding: 'utf8' },
	);
	if (created.status !== 0) {
		await Promise.all(servers.map((s) => s.stop()));
		throw new Error(`redis-cli --cluster create failed: ${created.stderr || created.stdout}`);
	}
	// Wait until every node agrees the cluster is ok.
	const deadline = Date.now() + 20_000;
	for (const s of servers) {
		for (;;) {
			const info = spawnSync('redis-cli', ['-p', String(s.port), 'cluster', 'info'], {
				encoding: 'utf8',
			});
			if (info.stdout.includes('cluster_state:ok')) break;
			if (Date.now() > deadline) throw new Error('redis cluster did not become ok');
			await new Promise((r) => setTimeout(r, 100));
		}
	}
	return {
		nodes: servers.map((s) => ({ host: '127.0.0.1', port: s.port })),
		async stop() {
			await Promise.all(servers.map((s) => s.stop()));
		},
	};
}
