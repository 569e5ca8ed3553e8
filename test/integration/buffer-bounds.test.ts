/**
 * Bounded by design, never by silent loss (docs/reliability.md, "What fills up"), against a real
 * Redis and real HTTP: the byte capacity (503 buffer_full, exact counter back to 0), the dead-letter
 * cap (failing events stay pending), events removed unacknowledged are logged and counted (age
 * retention, endpoint deletion), usage and statistics hashes are pruned, runs that never report
 * back count as failed attempts, and a batch is capped in bytes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runHousekeeping } from '../../src/gateway/housekeeping';
import type { Logger } from '../../src/logger';
import { createStores, redisClientOf, type EndpointRef, type StoredEntry } from '../../src/redis';
import { BufferStore } from '../../src/redis/buffer';
import { endpointKeys } from '../../src/redis/keys';
import { storedSize as schemaStoredSize } from '../../src/redis/streamSchema';
import type { TestGateway } from '../harness/gateway';
import type { RedisServer } from '../harness/redis';
import { endpointWithEvents, gatewayOnRedis } from '../helpers/buffered';

const ACCOUNT = 'acct-bounds';

/** The stored size of an entry as the scripts count it (its one field's value, see streamSchema.ts). */
function storedSize(e: StoredEntry): number {
	return schemaStoredSize(e);
}

function capturingLogger(): Logger & {
	lines: { level: string; message: string; fields?: Record<string, unknown> }[];
} {
	const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
	const log = (level: string) => (message: string, fields?: Record<string, unknown>) =>
		void lines.push({ level, message, fields });
	return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

describe('bounded buffer: bytes, dead letters, discards, usage and stats (standalone Redis)', () => {
	let gw: TestGateway;
	let stop: (() => Promise<void>) | undefined;
	const buffer = () => gw.gateway.stores.buffer;

	before(async () => ({ gw, stop } = await gatewayOnRedis(ACCOUNT)));
	after(() => stop?.());

	async function endpoint(
		id: string,
		extra: { bufferCapacity?: number; bufferMaxBytes?: number } = {},
	): Promise<EndpointRef> {
		await gw.gateway.management.createEndpoint(
			{ id, accountId: ACCOUNT, auth: { type: 'none' }, ...extra },
			'test',
		);
		return { id, accountId: ACCOUNT };
	}

	async function post(
		id: string,
		body: string,
	): Promise<{ status: number; code?: string; retryAfter: string | null }> {
		const res = await gw.request(`/hooks/${id}`, {
			method: 'POST',
			body,
			headers: { 'content-type': 'text/plain' },
		});
		const json = (await res.json()) as { error?: { code: string } };
		return {
			status: res.status,
			code: json.error?.code,
			retryAfter: res.headers.get('retry-after'),
		};
	}

	it('byte capacity: 503 buffer_full with Retry-After once the stored bytes would pass it; the counter is exact and back to 0 after everything is acknowledged', async () => {
		const ref = await endpoint('bytes-cap', { bufferMaxBytes: 8192 });
		await buffer().subscribe(ref, 'wf:bytes', 'new');
		const body = 'x'.repeat(1500);
		let accepted = 0;
		let last: Awaited<ReturnType<typeof post>> | undefined;
		for (let i = 0; i < 20; i++) {
			last = await post(ref.id, body);
			if (last.status !== 202) break;
			accepted++;
		}
		assert.ok(
			accepted >= 4 && accepted <= 5,
			`about 8192 / (1500 + headers) events fit, got ${accepted}`,
		);
		assert.equal(last?.status, 503);
		assert.equal(last?.code, 'buffer_full');
		assert.ok(Number(last?.retryAfter) >= 1, 'a full buffer answers with Retry-After');

		const entries = await buffer().peek(ref, 100, 'oldest');
		assert.equal(entries.length, accepted, 'nothing is stored on a reject');
		const counted = await buffer().storedBytes(ref);
		assert.equal(
			counted,
			entries.reduce((n, e) => n + storedSize(e), 0),
			'the counter is the exact sum of the stored sizes',
		);
		assert.ok(counted <= 8192);
		const usage = await gw.gateway.management.endpointUsage(ref.id);
		assert.deepEqual(
			{ length: usage.buffer.length, bytes: usage.buffer.bytes, maxBytes: usage.buffer.maxBytes },
			{ length: accepted, bytes: counted, maxBytes: 8192 },
		);

		const read = await buffer().read(ref, 'wf:bytes', 2);
		await buffer().ack(
			ref,
			'wf:bytes',
			read.map((e) => e.ref),
		);
		assert.equal(
			await buffer().storedBytes(ref),
			entries.slice(2).reduce((n, e) => n + storedSize(e), 0),
			'acknowledging subtracts what was trimmed',
		);
		assert.equal((await post(ref.id, body)).status, 202, 'room again after acknowledgement');
		const rest = await buffer().read(ref, 'wf:bytes', 100);
		await buffer().ack(
			ref,
			'wf:bytes',
			rest.map((e) => e.ref),
		);
		assert.equal((await buffer().depth(ref)).length, 0);
		assert.equal(
			await buffer().storedBytes(ref),
			0,
			'back to exactly 0 once everything is acknowledged',
		);
	});

	it('a stream with no subscriber keeps its events up to the capacity, then 503; the operator sees it in usage and /metrics', async () => {
		const ref = await endpoint('no-subscriber', { bufferCapacity: 3 });
		for (let i = 0; i < 3; i++) assert.equal((await post(ref.id, `e${i}`)).status, 202);
		const full = await post(ref.id, 'e3');
		assert.deepEqual([full.status, full.code], [503, 'buffer_full']);
		await gw.gateway.stores.buffer.maintain(ref, 86_400_000, 0);
		assert.equal(
			(await buffer().depth(ref)).length,
			3,
			'nothing trims a stream nobody subscribed to',
		);
		const usage = await gw.gateway.management.endpointUsage(ref.id);
		assert.deepEqual(
			[usage.buffer.length, usage.buffer.capacity, usage.subscribers.length],
			[3, 3, 0],
		);
		const metrics = await (await gw.gateway.metrics.text()).body;
		assert.match(metrics, /webhook_gateway_endpoint_subscribers\{endpoint="no-subscriber"\} 0/);
		assert.match(metrics, /webhook_gateway_buffer_events\{endpoint="no-subscriber"\} 3/);
		assert.match(
			metrics,
			new RegExp(
				`webhook_gateway_buffer_bytes\\{endpoint="no-subscriber"\\} ${usage.buffer.bytes}`,
			),
		);
	});

	it('dead-letter cap: at the cap, events at Max Attempts stay pending (held, not delivered, not dropped) until there is room', async () => {
		const ref = await endpoint('dead-cap');
		const capped = new BufferStore(redisClientOf(gw.gateway.stores), gw.config.keyPrefix, 2);
		await capped.subscribe(ref, 'wf:dl', 'new');
		for (let i = 0; i < 3; i++) assert.equal((await post(ref.id, `d${i}`)).status, 202);
		const batch = await capped.read(ref, 'wf:dl', 10, { maxAttempts: 1 });
		const failed = await capped.recordFailure(
			ref,
			'wf:dl',
			batch.map((e) => e.ref),
			1,
			'boom',
		);
		assert.equal(failed.dead.length, 2, 'two fit under the cap');
		assert.deepEqual(failed.held, [batch[2].ref], 'the third stays pending');
		assert.equal(await capped.deadLetterCount(ref), 2);

		const again = await capped.readBatch(ref, 'wf:dl', 10, { maxAttempts: 1 });
		assert.deepEqual(again.entries, [], 'a held event is not delivered again');
		assert.deepEqual(again.held, [batch[2].ref], 'and reported as held');
		assert.equal((await buffer().depth(ref)).length, 3, 'nothing was dropped');

		const [first] = await capped.deadLetters(ref, 1);
		await capped.deleteDeadLetters(ref, [first.id]);
		const room = await capped.readBatch(ref, 'wf:dl', 10, { maxAttempts: 1 });
		assert.deepEqual(room.deadLettered, [batch[2].ref], 'with room again it becomes a dead letter');
		assert.equal(await capped.deadLetterCount(ref), 2);
	});

	it('age retention and endpoint deletion: what they remove unacknowledged is logged and counted in /metrics', async () => {
		const retention = await endpoint('discard-retention');
		await buffer().subscribe(retention, 'wf:slow', 'new');
		for (let i = 0; i < 3; i++) assert.equal((await post(retention.id, `r${i}`)).status, 202);
		// Redis TIME is compared in ms: wait until the events are older than 200 ms.
		await new Promise((r) => setTimeout(r, 300));
		const logger = capturingLogger();
		const all = await gw.gateway.stores.registry.listEndpoints();
		const only = {
			...gw.gateway.stores,
			registry: {
				...gw.gateway.stores.registry,
				listEndpoints: async () => all.filter((e) => e.id === retention.id),
			},
		} as typeof gw.gateway.stores;
		await runHousekeeping(
			only,
			{ subscriberRetentionMs: 86_400_000, eventRetentionMs: 200 },
			logger,
			gw.gateway.metrics,
		);
		const line = logger.lines.find((l) => l.fields?.reason === 'retention');
		assert.ok(line, 'the discard is logged');
		assert.deepEqual(
			[line.level, line.fields?.endpoint, line.fields?.events],
			['warn', retention.id, 3],
		);
		assert.equal(await buffer().storedBytes(retention), 0, 'and its bytes are subtracted');
		let metrics = (await gw.gateway.metrics.text()).body;
		assert.match(
			metrics,
			/webhook_gateway_events_discarded_total\{endpoint="discard-retention",reason="retention"\} 3/,
		);

		const deleted = await endpoint('discard-deleted');
		for (let i = 0; i < 2; i++) assert.equal((await post(deleted.id, `x${i}`)).status, 202);
		await gw.gateway.management.deleteEndpoint(deleted.id);
		metrics = (await gw.gateway.metrics.text()).body;
		assert.match(
			metrics,
			/webhook_gateway_events_discarded_total\{endpoint="discard-deleted",reason="endpoint_deleted"\} 2/,
		);
		const k = endpointKeys(gw.config.keyPrefix, ACCOUNT, deleted.id);
		assert.equal(
			await redisClientOf(gw.gateway.stores).exists(k.stream, k.bytes),
			0,
			'no key of the endpoint is left',
		);
	});

	it('usage and statistics stop growing: fields older than the kept window are pruned, recent ones stay', async () => {
		const ref = await endpoint('prune');
		assert.equal((await post(ref.id, 'p')).status, 202);
		await gw.gateway.stores.stats.flush();
		const r = redisClientOf(gw.gateway.stores);
		const k = endpointKeys(gw.config.keyPrefix, ACCOUNT, ref.id);
		const [sec] = await r.time();
		const today = Math.floor(Number(sec) / 86_400);
		const hour = Math.floor((Number(sec) * 1000) / 3_600_000);
		await r.hset(
			k.usage,
			`d:${today - 40}`,
			5,
			`e:${today - 36}:other-endpoint`,
			7,
			`e:${today - 35}:${ref.id}`,
			1,
		);
		await r.hset(k.stats, `${hour - 100}:accepted`, 3, `${hour - 47}:accepted`, 2);
		await gw.gateway.stores.usage.prune(ACCOUNT);
		await gw.gateway.stores.stats.prune(ACCOUNT, ref.id);
		const usage = Object.keys(await r.hgetall(k.usage)).sort();
		assert.ok(
			!usage.includes(`d:${today - 40}`) && !usage.includes(`e:${today - 36}:other-endpoint`),
			`old days pruned: ${usage.join(',')}`,
		);
		assert.ok(
			usage.includes(`d:${today}`) &&
				usage.includes(`e:${today}:${ref.id}`) &&
				usage.includes(`e:${today - 35}:${ref.id}`),
			'today and the last 35 days stay (usage history)',
		);
		const stats = Object.keys(await r.hgetall(k.stats));
		assert.ok(!stats.includes(`${hour - 100}:accepted`), 'hours past the 48 kept are pruned');
		assert.ok(stats.includes(`${hour - 47}:accepted`) && stats.includes(`${hour}:accepted`));
	});
});

describe('poison batches end: runs that never report back, byte cap per batch (standalone Redis)', () => {
	let redis: RedisServer;
	let gw: TestGateway;
	let stop: (() => Promise<void>) | undefined;
	const buffer = () => gw.gateway.stores.buffer;
	let n = 0;

	before(async () => ({ redis, gw, stop } = await gatewayOnRedis(ACCOUNT)));
	after(() => stop?.());

	const endpointWith = (bodies: string[], sub: string): Promise<EndpointRef> =>
		endpointWithEvents(gw, `poison-${++n}`, ACCOUNT, bodies, sub);

	it('a run that never reports back counts as a failed attempt: after Max Attempts deliveries without an answer the events are dead letters', async () => {
		const ref = await endpointWith(['a', 'b'], 'wf:crash');
		// Each read without ack/nack is a run whose n8n died (regular mode: reclaimAfterMs 0).
		const first = await buffer().readBatch(ref, 'wf:crash', 10, { maxAttempts: 3 });
		assert.equal(first.entries.length, 2);
		const second = await buffer().readBatch(ref, 'wf:crash', 10, { maxAttempts: 3 });
		assert.equal(second.entries.length, 2, 'delivered again after the first crash');
		const third = await buffer().readBatch(ref, 'wf:crash', 10, { maxAttempts: 3 });
		assert.equal(third.entries.length, 2, 'and after the second');
		const fourth = await buffer().readBatch(ref, 'wf:crash', 10, { maxAttempts: 3 });
		assert.deepEqual(
			fourth.entries,
			[],
			'three runs never reported back: not delivered a fourth time',
		);
		assert.deepEqual(fourth.deadLettered.sort(), first.entries.map((e) => e.ref).sort());
		const letters = await buffer().deadLetters(ref);
		assert.equal(letters.length, 2);
		assert.equal(letters[0].attempts, 3);
		assert.match(letters[0].error, /never reported back \(n8n stopped or crashed\) 3 times/);
		assert.deepEqual(
			letters.map((l) => l.entry.body.toString()).sort(),
			['a', 'b'],
			'nothing else lost',
		);
	});

	it('crashes and failures are counted once each: fail, crash, fail = 3 attempts, dead-lettered at the third', async () => {
		const ref = await endpointWith(['c'], 'wf:mixed');
		const read = () => buffer().readBatch(ref, 'wf:mixed', 10, { maxAttempts: 3 });
		const r1 = await read();
		assert.deepEqual(
			await buffer().nack(ref, 'wf:mixed', [r1.entries[0].ref], 3, 'failed once'),
			[],
		);
		const r2 = await read();
		assert.equal(r2.entries.length, 1, 'the failed run comes back');
		// r2's run never reports back.
		const r3 = await read();
		assert.equal(r3.entries.length, 1, 'two failed attempts so far: delivered a third time');
		const dead = await buffer().nack(ref, 'wf:mixed', [r3.entries[0].ref], 3, 'failed again');
		assert.deepEqual(dead, [r3.entries[0].ref], 'the third failed attempt dead-letters it');
		const [letter] = await buffer().deadLetters(ref);
		assert.equal(letter.attempts, 3);
		assert.equal(letter.error, 'failed again');
	});

	it('entries read by a reader that was stopping and given back (unread) do not count as an attempt', async () => {
		const ref = await endpointWith(['kept'], 'wf:unread');
		const read = await buffer().readBatch(ref, 'wf:unread', 10, { maxAttempts: 1 });
		assert.equal(read.entries.length, 1);
		assert.equal(
			await buffer().unread(
				ref,
				'wf:unread',
				read.entries.map((e) => e.ref),
			),
			1,
		);
		const again = await buffer().readBatch(ref, 'wf:unread', 10, { maxAttempts: 1 });
		assert.deepEqual(
			again.deadLettered,
			[],
			'with Max Attempts 1 a given-back entry is still delivered',
		);
		assert.deepEqual(
			again.entries.map((e) => e.ref),
			read.entries.map((e) => e.ref),
		);
		const lost = await buffer().readBatch(ref, 'wf:unread', 10, { maxAttempts: 1 });
		assert.deepEqual(
			lost.deadLettered,
			read.entries.map((e) => e.ref),
			'a delivery that was not given back does count',
		);
	});

	it('a batch is capped in bytes (at least one event), and a large backlog is read in several batches', async () => {
		const big = 'y'.repeat(1000);
		const ref = await endpointWith([big, big, big, big, big], 'wf:bytes');
		const first = await buffer().readBatch(ref, 'wf:bytes', 100, { maxBytes: 2500 });
		assert.equal(first.entries.length, 2, '2 × ~1100 bytes fit in 2500');
		assert.equal(first.bytesFull, true, 'the byte cap ended the batch');
		assert.ok(first.entries.reduce((s, e) => s + storedSize(e), 0) <= 2500);
		await buffer().ack(
			ref,
			'wf:bytes',
			first.entries.map((e) => e.ref),
		);
		const tiny = await buffer().readBatch(ref, 'wf:bytes', 100, { maxBytes: 10 });
		assert.equal(tiny.entries.length, 1, 'an event larger than the cap still goes, alone');
		await buffer().recordFailure(
			ref,
			'wf:bytes',
			tiny.entries.map((e) => e.ref),
			5,
			'retry',
		);
		const mixed = await buffer().readBatch(ref, 'wf:bytes', 100, { maxBytes: 2500 });
		assert.deepEqual(
			mixed.entries.map((e) => e.ref).slice(0, 1),
			tiny.entries.map((e) => e.ref),
			'pending entries first, under the same cap',
		);
		assert.equal(mixed.entries.length, 2);
	});

	it('the stores honour WEBHOOK_GATEWAY_DEAD_LETTER_MAX through createStores', async () => {
		const stores = createStores({ url: redis.url, name: 'bounds-test' }, gw.config.keyPrefix, {
			deadLetterMax: 7,
		});
		try {
			assert.equal(stores.buffer.deadLetterCap, 7);
			const blocking = stores.blockingBuffer();
			assert.equal(blocking.buffer.deadLetterCap, 7);
			blocking.close();
		} finally {
			await stores.close();
		}
	});
});
