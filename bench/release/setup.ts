/**
 * Set-up steps of the release benchmark: a private redis-server (the shared harness, killed by pid
 * when this process exits, whatever the reason) and the backlog, buffered straight into Redis with
 * the gateway's own acceptEvent round trip.
 */
import fs from 'node:fs';
import { credentialHeaders } from '../../src/auth';
import { storedHeaders } from '../../src/parsing/headers';
import type { Stores } from '../../src/redis';
import { startRedis, type RedisServer } from '../../test/harness/redis';
import { CONCURRENCY, PAYLOAD } from './config';

/** Starts the private redis-server; SIGKILLed and its folder removed when this process exits. */
export async function startPrivateRedis(): Promise<RedisServer> {
	const redis = await startRedis();
	process.on('exit', () => {
		void redis.kill();
		fs.rmSync(redis.dir, { recursive: true, force: true });
	});
	return redis;
}

export async function bufferEvents(
	stores: Stores,
	endpointId: string,
	auth: Parameters<typeof credentialHeaders>[0],
	n: number,
): Promise<number> {
	// What the ingest path stores for wrk's request (bench/post.lua): header names lower-case, the
	// credential header (X-Hub-Signature-256) removed.
	const headers = storedHeaders(
		{
			host: '127.0.0.1',
			'content-length': String(PAYLOAD.length),
			'content-type': 'application/json',
			'user-agent': 'GitHub-Hookshot/7d1e3b5',
			'x-github-event': 'push',
			'x-github-hook-id': '512345678',
			'x-github-hook-installation-target-id': '186853002',
			'x-github-hook-installation-target-type': 'repository',
			'x-hub-signature-256':
				'sha256=0000000000000000000000000000000000000000000000000000000000000000',
		},
		credentialHeaders(auth),
	);
	const started = Date.now();
	let next = 0;
	const worker = async () => {
		while (next < n) {
			next++;
			const outcome = await stores.accept.accept({
				endpointId,
				accountId: 'bench',
				dedupeWindowMs: 0,
				rate: null,
				burst: null,
				daily: null,
				capacity: 100_000_000,
				capacityBytes: Number.MAX_SAFE_INTEGER,
				method: 'POST',
				path: '',
				query: '',
				headers,
				sourceIp: '127.0.0.1',
				body: PAYLOAD,
			});
			if (outcome.kind !== 'accepted')
				throw new Error(`acceptEvent answered ${JSON.stringify(outcome)}`);
		}
	};
	await Promise.all(Array.from({ length: Math.min(CONCURRENCY, n) }, worker));
	return (Date.now() - started) / 1000;
}
