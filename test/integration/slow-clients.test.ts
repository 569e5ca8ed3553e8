/**
 * Slow and vanishing clients against a spawned `webhook-gateway serve` process (needs
 * `npm run build`; docs/reliability.md, "Bad input and slow clients"): clients that disconnect
 * mid-body leave nothing stored and no socket behind (file descriptors of the process counted in
 * /proc/<pid>/fd), idle keep-alive connections are closed, slow clients do not hold up others,
 * and the server timeouts (SERVER_TIMEOUTS: headers within 10 s, the whole request within 30 s)
 * cut slowloris headers and trickled bodies.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SERVER_TIMEOUTS } from '../../src/gateway/server';
import { ManagementService } from '../../src/management/service';
import { createStores, type Stores } from '../../src/redis';
import { spawnGateway, uniquePrefix, type GatewayProcess } from '../harness/gateway';
import { startRedis, type RedisServer } from '../harness/redis';

/** The gateway checks timeouts every second (connectionsCheckingInterval): the worst-case lateness. */
const NODE_CHECK_INTERVAL_MS = 1_000;

function fdCount(pid: number): number {
	return fs.readdirSync(`/proc/${pid}/fd`).length;
}

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

interface SlowConnection {
	socket: net.Socket;
	/** Resolves when the server closes the connection (ms since it was opened, and what it sent) or after `maxWaitMs`. */
	closed: Promise<{ afterMs: number | undefined; received: string }>;
	stop(): void;
}

/**
 * Opens a connection, writes `head`, then one byte of `drip` per second until the server closes
 * the connection or `maxWaitMs` pass.
 */
function dripConnection(
	port: number,
	head: string,
	drip: string,
	maxWaitMs: number,
): SlowConnection {
	const socket = net.connect(port, '127.0.0.1');
	const opened = Date.now();
	let received = '';
	let i = 0;
	socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
	socket.on('error', () => undefined);
	socket.write(head);
	const timer = setInterval(() => {
		if (!socket.destroyed && socket.writable) socket.write(drip[i++ % drip.length]);
	}, 1000);
	let giveUp: NodeJS.Timeout | undefined;
	const closed = new Promise<{ afterMs: number | undefined; received: string }>((resolve) => {
		socket.once('close', () => {
			clearInterval(timer);
			clearTimeout(giveUp);
			resolve({ afterMs: Date.now() - opened, received });
		});
		giveUp = setTimeout(() => {
			clearInterval(timer);
			socket.removeAllListeners('close');
			socket.destroy();
			resolve({ afterMs: undefined, received });
		}, maxWaitMs);
	});
	return {
		socket,
		closed,
		stop() {
			clearInterval(timer);
			socket.destroy();
		},
	};
}

// The two groups run side by side so that the file takes about as long as its slowest wait (~33 s).
describe('slow and vanishing clients', { concurrency: true }, () => {
	let redis: RedisServer;
	let stores: Stores;
	let management: ManagementService;
	let gw: GatewayProcess;
	const post = (id: string, body = '{"ok":true}') =>
		fetch(`${gw.url}/hooks/${id}`, {
			method: 'POST',
			body,
			headers: { 'content-type': 'application/json' },
		});

	before(async () => {
		redis = await startRedis();
		const prefix = uniquePrefix();
		stores = createStores({ url: redis.url, offlineQueue: true }, prefix);
		management = new ManagementService(stores, {
			publicUrl: 'http://127.0.0.1',
			defaultPlan: 'unlimited',
			defaultBufferCapacity: 1_000_000,
		});
		await management.setAccountPlan('acct-slow', 'unlimited');
		for (const id of ['slow-abort', 'slow-others', 'slow-loris', 'slow-trickle'])
			await management.createEndpoint(
				{ auth: { type: 'none' }, id, accountId: 'acct-slow' },
				'test',
			);
		gw = await spawnGateway({
			WEBHOOK_GATEWAY_REDIS_URL: redis.url,
			WEBHOOK_GATEWAY_KEY_PREFIX: prefix,
			WEBHOOK_GATEWAY_LOG_LEVEL: 'warn',
		});
	});
	after(async () => {
		await gw?.stop();
		await stores?.close();
		await redis?.stop();
	});

	// Sequential: the descriptor count of the first test must not see the sockets of the others.
	describe('vanishing and idle clients', { concurrency: false }, () => {
		it('200 clients that disconnect mid-request: nothing stored, the server stays up, no socket leaks', async () => {
			const pid = gw.child.pid!;
			// Warm up so that lazily opened descriptors (Redis connections, ...) exist before the baseline.
			for (let i = 0; i < 3; i++) assert.equal((await post('slow-others')).status, 202);
			await sleep(300);
			const before = fdCount(pid);

			const abortOne = (n: number) =>
				new Promise<void>((resolve) => {
					const socket = net.connect(gw.port, '127.0.0.1');
					socket.on('error', () => undefined);
					socket.on('close', () => resolve());
					socket.on('connect', () => {
						const kind = n % 5;
						if (kind === 0) {
							// mid-headers
							socket.write('POST /hooks/slow-abort HTTP/1.1\r\nHost: x\r\nContent-Type: appl');
						} else if (kind === 1) {
							// headers complete, no body yet
							socket.write(
								'POST /hooks/slow-abort HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n',
							);
						} else if (kind === 2) {
							// half of a declared body
							socket.write(
								`POST /hooks/slow-abort HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n{"a":"${'x'.repeat(5000)}`,
							);
						} else {
							// a chunked body without its last chunk
							socket.write(
								`POST /hooks/slow-abort HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n1000\r\n${'y'.repeat(4096)}\r\n10\r\nabc`,
							);
						}
						// Half leave politely (FIN), half with a TCP reset.
						setTimeout(() => (n % 2 === 0 ? socket.destroy() : socket.resetAndDestroy()), 20);
					});
				});
			for (let batch = 0; batch < 10; batch++)
				await Promise.all(Array.from({ length: 20 }, (_, i) => abortOne(batch * 20 + i)));

			let afterAborts = fdCount(pid);
			for (let waited = 0; afterAborts > before + 2 && waited < 5000; waited += 100) {
				await sleep(100);
				afterAborts = fdCount(pid);
			}
			console.log(
				`slow clients: gateway fds ${before} before, ${afterAborts} after 200 aborted requests`,
			);
			assert.ok(
				afterAborts <= before + 2,
				`file descriptors grew from ${before} to ${afterAborts}`,
			);
			assert.equal((await management.peekEvents('slow-abort', 10)).length, 0);
			assert.equal((await fetch(`${gw.url}/healthz`)).status, 200);
			assert.equal((await post('slow-abort')).status, 202);
			assert.equal(gw.child.exitCode, null);
			assert.doesNotMatch(gw.output(), /"level":"error"/);
		});

		it(`an idle keep-alive connection is closed after keepAliveTimeout (${SERVER_TIMEOUTS.keepAliveTimeoutMs / 1000} s)`, async () => {
			const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
			// Resolves with a promise of the idle time until the server closes the connection.
			const idle = await new Promise<{ closedAfter: Promise<number> }>((resolve, reject) => {
				const req = http.request(`${gw.url}/healthz`, { agent }, (res) => {
					res.resume();
					res.on('end', () => {
						const started = Date.now();
						resolve({
							closedAfter: new Promise((done) =>
								req.socket!.once('close', () => done(Date.now() - started)),
							),
						});
					});
				});
				req.on('error', reject);
				req.end();
			});
			const closedAfter = await idle.closedAfter;
			agent.destroy();
			console.log(
				`slow clients: idle keep-alive connection closed by the server after ${(closedAfter / 1000).toFixed(1)} s`,
			);
			assert.ok(
				closedAfter >= SERVER_TIMEOUTS.keepAliveTimeoutMs - 500 &&
					closedAfter <= SERVER_TIMEOUTS.keepAliveTimeoutMs + 2000,
				`closed after ${closedAfter} ms`,
			);
		});

		it('100 slow clients hanging on do not hold up anyone else', async () => {
			const hanging = [
				...Array.from({ length: 50 }, () =>
					dripConnection(
						gw.port,
						'POST /hooks/slow-others HTTP/1.1\r\nHost: x\r\n',
						'X-Slow: 1\r\n',
						20_000,
					),
				),
				...Array.from({ length: 50 }, () =>
					dripConnection(
						gw.port,
						'POST /hooks/slow-others HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n',
						'z',
						20_000,
					),
				),
			];
			try {
				await sleep(1500);
				for (let i = 0; i < 20; i++) {
					const started = Date.now();
					assert.equal((await post('slow-others', `{"i":${i}}`)).status, 202);
					assert.ok(
						Date.now() - started < 1000,
						`a normal request took ${Date.now() - started} ms`,
					);
				}
				assert.equal((await fetch(`${gw.url}/healthz`)).status, 200);
			} finally {
				for (const c of hanging) c.stop();
			}
		});
	});

	describe('server timeouts', { concurrency: true }, () => {
		const headersLimit = SERVER_TIMEOUTS.headersTimeoutMs;
		const requestLimit = SERVER_TIMEOUTS.requestTimeoutMs;
		// One slowloris connection, watched by two tests: the contract (10 s) and the hard bound.
		let slowloris: SlowConnection;
		before(() => {
			slowloris = dripConnection(
				gw.port,
				'POST /hooks/slow-loris HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n',
				'X-Slow-Header: aaaaaaaaaaaaaaaaaaaa',
				headersLimit + NODE_CHECK_INTERVAL_MS + 2000,
			);
		});
		after(() => slowloris?.stop());

		it(`slowloris (headers a byte per second) is cut by headersTimeout (${headersLimit / 1000} s) with 408`, async () => {
			const result = await Promise.race([
				slowloris.closed,
				sleep(headersLimit + 2500).then(() => undefined),
			]);
			assert.ok(
				result?.afterMs !== undefined,
				`still open after ${(headersLimit + 2500) / 1000} s`,
			);
			assert.match(result.received, /^HTTP\/1\.1 408 /);
		});

		it('slowloris is cut at the latest after headersTimeout + the 1 s connection check, with 408 and nothing stored', async () => {
			const { afterMs, received } = await slowloris.closed;
			console.log(
				`slow clients: slowloris connection closed by the server after ${afterMs === undefined ? 'never' : (afterMs / 1000).toFixed(1) + ' s'}`,
			);
			assert.ok(afterMs !== undefined, 'the server never closed the slowloris connection');
			assert.ok(afterMs >= headersLimit - 500, `closed too early (${afterMs} ms)`);
			assert.match(received, /^HTTP\/1\.1 408 /);
			assert.equal((await management.peekEvents('slow-loris', 10)).length, 0);
			assert.equal((await fetch(`${gw.url}/healthz`)).status, 200);
		});

		it(`a body trickled a byte per second is cut by requestTimeout (${requestLimit / 1000} s) with 408, nothing stored`, async () => {
			const trickle = dripConnection(
				gw.port,
				'POST /hooks/slow-trickle HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n',
				'b',
				requestLimit + 3000,
			);
			const { afterMs, received } = await trickle.closed;
			console.log(
				`slow clients: trickled body ${afterMs === undefined ? `still open after ${(requestLimit + 3000) / 1000} s` : `cut after ${(afterMs / 1000).toFixed(1)} s`}`,
			);
			assert.equal((await management.peekEvents('slow-trickle', 10)).length, 0);
			assert.ok(afterMs !== undefined, `still open after ${(requestLimit + 3000) / 1000} s`);
			assert.ok(afterMs >= requestLimit - 1000, `cut too early (${afterMs} ms)`);
			assert.match(received, /^HTTP\/1\.1 408 /);
		});
	});
});
