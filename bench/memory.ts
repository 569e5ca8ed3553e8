/**
 * Memory per buffered event (docs/benchmarks.md "Memory per buffered event"): Redis's own
 * `used_memory` growth while the real gateway buffers EVENTS events of each payload, divided by the
 * number of events, beside the goal of raw body + stored headers + 200 bytes.
 *
 *   node --import tsx bench/memory.ts            (EVENTS=2000 by default)
 *
 * Knobs (environment): EVENTS=2000 per payload; REQUEST_LOG_MAX=0 the request log's cap per
 * endpoint (0 = off, the gateway's default is 1000); HOST the Host header sent (default: the
 * gateway's 127.0.0.1:<port>), to see how the entry size moves the figure.
 *
 * Payloads: (i) the signed 1,076-byte GitHub push of bench/payload.json with the headers wrk sends in
 * bench/run.sh (bench/post.lua), (ii) a ~200-byte Slack event signed as Slack signs it. Everything
 * talks to a private redis-server on a free loopback port that the script starts and stops by pid;
 * real HTTP against an in-process gateway (request log off: it is capped per endpoint, not per
 * event). "Stored headers" is the sum of the stored headers' name and value bytes, read back from
 * the buffer.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { signRequest } from '../src/auth/sign';
import { startTestGateway, type TestGateway } from '../test/harness/gateway';
import { startRedis } from '../test/harness/redis';
import { createRedis } from '../src/redis/client';

const EVENTS = Number(process.env.EVENTS ?? 2000);
const CONCURRENCY = 8;
const GOAL_OVERHEAD = 200;
const REQUEST_LOG_MAX = Number(process.env.REQUEST_LOG_MAX ?? 0);
const HOST = process.env.HOST;

interface Payload {
	name: string;
	preset: 'github' | 'slack';
	body: Buffer;
	/** Headers besides the signature (which the gateway never stores). */
	headers: Record<string, string>;
}

const SLACK_BODY = Buffer.from(
	JSON.stringify({
		team_id: 'T061EG9RZ',
		event: {
			type: 'app_mention',
			user: 'U061F7AUR',
			text: '<@U0LAN0Z89> is it everything?',
			ts: '1515449522.000016',
			channel: 'C0LAN2Q65',
		},
		type: 'event_callback',
		event_id: 'Ev0LAN670R',
		event_time: 1515449522,
	}),
);

const PAYLOADS: Payload[] = [
	{
		name: 'GitHub push (bench/payload.json)',
		preset: 'github',
		body: fs.readFileSync(path.join(__dirname, 'payload.json')),
		headers: {
			'Content-Type': 'application/json',
			'User-Agent': 'GitHub-Hookshot/7d1e3b5',
			'X-GitHub-Event': 'push',
			'X-GitHub-Hook-ID': '512345678',
			'X-GitHub-Hook-Installation-Target-ID': '186853002',
			'X-GitHub-Hook-Installation-Target-Type': 'repository',
		},
	},
	{
		name: 'Slack event',
		preset: 'slack',
		body: SLACK_BODY,
		headers: {
			'Content-Type': 'application/json',
			'User-Agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
			Accept: '*/*',
			'Accept-Encoding': 'gzip,deflate',
		},
	},
];

function post(
	agent: http.Agent,
	url: URL,
	headers: Record<string, string>,
	body: Buffer,
): Promise<number> {
	return new Promise((resolve, reject) => {
		const req = http.request(
			url,
			{ method: 'POST', agent, headers: { ...headers, 'Content-Length': String(body.length) } },
			(res) => {
				res.resume();
				res.on('end', () => resolve(res.statusCode ?? 0));
			},
		);
		req.on('error', reject);
		req.end(body);
	});
}

async function usedMemory(redis: ReturnType<typeof createRedis>): Promise<number> {
	return Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1]);
}

async function measure(
	gw: TestGateway,
	redis: ReturnType<typeof createRedis>,
	payload: Payload,
	index: number,
): Promise<void> {
	const id = `mem-${payload.preset}-${index}`;
	const { secret } = await gw.gateway.management.createEndpoint(
		{ id, accountId: 'acct-mem', auth: { type: 'hmac', preset: payload.preset } },
		'bench',
	);
	const url = new URL(`${gw.url}/hooks/${id}`);
	const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
	const send = async () => {
		const signature = signRequest(
			{ type: 'hmac', preset: payload.preset },
			secret!,
			payload.body,
			Date.now(),
		);
		const kept = Object.fromEntries(
			Object.entries(signature).filter(([name]) => !/delivery/.test(name)),
		);
		// No delivery id header (as bench/post.lua sends none): no dedupe key is written.
		const status = await post(
			agent,
			url,
			{ ...payload.headers, ...kept, ...(HOST ? { Host: HOST } : {}) },
			payload.body,
		);
		if (status !== 202) throw new Error(`${payload.name}: the gateway answered ${status}`);
	};
	// A first event creates the stream and its bytes counter: the growth measured is per event.
	await send();
	const before = await usedMemory(redis);
	let next = 0;
	await Promise.all(
		Array.from({ length: CONCURRENCY }, async () => {
			while (next++ < EVENTS) await send();
		}),
	);
	const after = await usedMemory(redis);
	agent.destroy();
	const key = (await redis.keys('*:stream:' + id))[0];
	const info = (await redis.xinfo('STREAM', key)) as unknown[];
	const field = (name: string) => Number(info[info.indexOf(name) + 1]);
	const [first] = (await redis.xrangeBuffer(key, '-', '+', 'COUNT', 1)) as unknown as [
		Buffer,
		Buffer[],
	][];
	const entryBytes = first[1].reduce((n, b) => n + b.length, 0);
	const [stored] = await gw.gateway.management.peekEvents(id, 1);
	const headerBytes = Object.entries(stored.headers).reduce(
		(n, [name, value]) => n + Buffer.byteLength(name) + Buffer.byteLength(value),
		0,
	);
	const perEvent = (after - before) / EVENTS;
	const goal = payload.body.length + headerBytes + GOAL_OVERHEAD;
	console.log(
		`${payload.name}: body ${payload.body.length} B + stored headers ${headerBytes} B (${Object.keys(stored.headers).length}); ` +
			`${EVENTS} events grew used_memory by ${after - before} B = ${perEvent.toFixed(0)} B per event; ` +
			`goal <= ${goal} B (${perEvent <= goal ? 'met' : `missed by ${(perEvent - goal).toFixed(0)} B`}); ` +
			`entry fields ${first[1].length / 2}, names + values ${entryBytes} B, ${(field('length') / field('radix-tree-keys')).toFixed(2)} entries per stream node`,
	);
}

async function main(): Promise<void> {
	const server = await startRedis();
	let gw: TestGateway | undefined;
	const redis = createRedis({ url: server.url, offlineQueue: true });
	try {
		// The request log is capped per endpoint (1,000 entries by default), not per buffered event:
		// off unless asked for, so that the growth is the buffer's alone.
		gw = await startTestGateway({ url: server.url }, { requestLogMax: REQUEST_LOG_MAX });
		await gw.gateway.management.setAccountPlan('acct-mem', 'unlimited');
		const version = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1];
		const nodeBytes = ((await redis.config('GET', 'stream-node-max-bytes')) as string[])[1];
		console.log(
			`Redis ${version}, stream-node-max-bytes ${nodeBytes}, ${EVENTS} events per payload, request log cap ${REQUEST_LOG_MAX}`,
		);
		for (const [i, payload] of PAYLOADS.entries()) await measure(gw, redis, payload, i);
	} finally {
		redis.disconnect();
		await gw?.close();
		await server.stop();
	}
}

main().catch((error: unknown) => {
	console.error(error);
	process.exitCode = 1;
});
