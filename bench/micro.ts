/**
 * Micro-benchmarks of single steps of the accept path, each against the alternative it replaced
 * or that was tried, in the same process and run (ratios, not absolute figures, are what carry
 * over between machines). Not part of the test run.
 *
 *   node --import tsx bench/micro.ts          (MICRO_ITERATIONS=200000)
 *
 * Cases: the acceptEvent call encoded by src/redis/scriptBatch.ts vs ioredis's Command +
 * toWritable for the same arguments; the JSON nesting check as it is (walk of the parsed value)
 * vs the scan of the text it replaced; HMAC-SHA256 of the body with the secret as a string vs as
 * a KeyObject.
 */
import { createHmac, createSecretKey } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'ioredis';
import { jsonTooDeep } from '../src/parsing/body';
import { storedHeaders } from '../src/parsing/headers';
import { encodeEvalsha } from '../src/redis/scriptBatch';
import { encodeEventHead } from '../src/redis/streamSchema';

const ITERATIONS = Number(process.env.MICRO_ITERATIONS ?? 200_000);
if (!Number.isInteger(ITERATIONS) || ITERATIONS < 1000)
	throw new Error('MICRO_ITERATIONS must be an integer of at least 1000');

const body = fs.readFileSync(path.join(__dirname, 'payload.json'));

/** µs per call: a warm-up of a tenth of the iterations, then the timed ones. */
function time(fn: () => unknown): number {
	for (let i = 0; i < ITERATIONS / 10; i++) fn();
	const start = process.hrtime.bigint();
	for (let i = 0; i < ITERATIONS; i++) fn();
	return Number(process.hrtime.bigint() - start) / ITERATIONS / 1000;
}

/** The text scan the nesting check used before 2026-12-05 (kept here only to compare). */
function scanTooDeep(text: string, max = 512): boolean {
	if (text.length <= 2 * max) return false;
	let depth = 0;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (c === 0x22) {
			for (i++; text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
		} else if (c === 0x5b || c === 0x7b) {
			if (++depth > max) return true;
		} else if (c === 0x5d || c === 0x7d) depth--;
	}
	return false;
}

const headers = storedHeaders(
	{
		host: '127.0.0.1:8080',
		'user-agent': 'GitHub-Hookshot/4f1d2c3',
		accept: '*/*',
		'content-type': 'application/json',
		'content-length': String(body.length),
		'x-github-event': 'push',
		'x-github-hook-id': '123456',
		'x-github-hook-installation-target-id': '987654',
		'x-github-hook-installation-target-type': 'repository',
	},
	new Set(),
);
const head = encodeEventHead(
	{ method: 'POST', path: '', query: '', sourceIp: '127.0.0.1', headers },
	body.length,
);
const base = 'wgw:{a:bench}';
const args: (string | number | Buffer)[] = [
	`${base}:stream:bench-github`,
	`${base}:stream:bench-github`,
	`${base}:limiter`,
	`${base}:usage`,
	`${base}:bytes:bench-github`,
	`${base}:limiter:bench-github`,
	'bench-github',
	'0',
	0,
	'0',
	'0',
	0,
	100_000,
	head,
	body,
	1024 * 1024 * 1024,
	'0',
	'0',
	0,
];
const sha = 'f'.repeat(40);
const secret = 'bench-secret-0123456789abcdef0123456789';
const key = createSecretKey(Buffer.from(secret));
const text = body.toString('utf8');
const parsed: unknown = JSON.parse(text);

const cases: [string, string, () => unknown, () => unknown][] = [
	[
		'acceptEvent call: encodeEvalsha vs ioredis Command + toWritable',
		'µs',
		() => encodeEvalsha(sha, 6, args),
		() => new Command('evalsha', [sha, 6, ...args]).toWritable({}),
	],
	[
		'JSON nesting check of the parsed body: walk of the value vs scan of the text',
		'µs',
		() => jsonTooDeep(parsed),
		() => scanTooDeep(text),
	],
	[
		'HMAC-SHA256 of the body: secret as a string vs as a KeyObject',
		'µs',
		() => createHmac('sha256', secret).update(body).digest(),
		() => createHmac('sha256', key).update(body).digest(),
	],
];

console.log(
	`micro: ${ITERATIONS} iterations per case, Node ${process.version}, ${body.length}-byte body`,
);
for (const [name, unit, first, second] of cases) {
	const a = time(first);
	const b = time(second);
	console.log(
		`${name}: ${a.toFixed(2)} vs ${b.toFixed(2)} ${unit} per call (${(b / a).toFixed(2)}×)`,
	);
}
