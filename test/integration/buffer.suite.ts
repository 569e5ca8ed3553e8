/**
 * The buffer and release contract (docs/reliability.md "Subscribers", README "Buffer and delivery guarantees"), run against a
 * real Redis: events go in through real HTTP POSTs to the gateway and come out through BufferStore
 * (fan-out, cursors that survive restarts, pending-first redelivery, nack and dead letters, replay,
 * peek, blocking reads, trimming, capacity, retention, leases, counts, endpoint deletion).
 * Shared by the standalone and the cluster test files.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createStores, type EndpointRef, type StoredEntry } from '../../src/redis';
import type { BufferStore } from '../../src/redis/buffer';
import { startTestGateway, type RedisTarget, type TestGateway } from '../harness/gateway';

const ACCOUNT = 'acct-buffer';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const ids = (entries: StoredEntry[]) => entries.map((e) => e.eventId);
const refs = (entries: StoredEntry[]) => entries.map((e) => e.ref);

export function bufferSuite(
	label: string,
	start: () => Promise<{ target: RedisTarget; stop(): Promise<void> }>,
): void {
	describe(`buffer and release contract (${label})`, () => {
		let backend: { target: RedisTarget; stop(): Promise<void> };
		let gw: TestGateway;
		const mgmt = () => gw.gateway.management;
		const buffer = (): BufferStore => gw.gateway.stores.buffer;

		before(async () => {
			backend = await start();
			gw = await startTestGateway(backend.target);
			await mgmt().setAccountPlan(ACCOUNT, 'unlimited');
		});
		after(async () => {
			await gw?.close();
			await backend?.stop();
		});

		/** Creates an endpoint on the unlimited account and returns its buffer ref. */
		async function endpoint(
			id: string,
			extra: { bufferCapacity?: number } = {},
		): Promise<EndpointRef> {
			await mgmt().createEndpoint(
				{ auth: { type: 'none' }, id, accountId: ACCOUNT, ...extra },
				'test',
			);
			return { id, accountId: ACCOUNT };
		}

		/** One real HTTP POST; returns the status and (on 202) the event id the sender got. */
		async function post(
			id: string,
			n: number,
		): Promise<{ status: number; eventId?: string; code?: string; retryAfter: string | null }> {
			const res = await gw.request(`/hooks/${id}`, {
				method: 'POST',
				body: JSON.stringify({ n }),
				headers: { 'content-type': 'application/json' },
			});
			const text = await res.text();
			const body = text ? (JSON.parse(text) as { eventId?: string; error?: { code: string } }) : {};
			return {
				status: res.status,
				eventId: body.eventId,
				code: body.error?.code,
				retryAfter: res.headers.get('retry-after'),
			};
		}

		/** POSTs `count` events, asserts each got 202, returns their event ids in order. */
		async function postMany(id: string, count: number, from = 0): Promise<string[]> {
			const out: string[] = [];
			for (let i = 0; i < count; i++) {
				const r = await post(id, from + i);
				assert.equal(r.status, 202, `POST ${i} to ${id} answered ${r.status}`);
				assert.ok(r.eventId, 'a 202 carries the event id');
				out.push(r.eventId);
			}
			return out;
		}

		const bodyN = (e: StoredEntry) => (JSON.parse(e.body.toString()) as { n: number }).n;

		it('1: fan-out — every subscriber gets every event accepted after it subscribed, in arrival order; late subscribers start at "new" or "oldest"', async () => {
			const ref = await endpoint('buf-fanout');
			await buffer().subscribe(ref, 'wf1:node1', 'new');
			await buffer().subscribe(ref, 'wf2:node1', 'new');
			const sent = await postMany(ref.id, 5);

			const a = await buffer().read(ref, 'wf1:node1', 100);
			const b = await buffer().read(ref, 'wf2:node1', 100);
			assert.deepEqual(ids(a), sent);
			assert.deepEqual(ids(b), sent);
			assert.deepEqual(
				a.map(bodyN),
				[0, 1, 2, 3, 4],
				'the stored body is the raw bytes that were posted',
			);
			assert.equal(a[0].method, 'POST');
			for (const e of a) assert.match(e.ref, /^s:/);

			await buffer().subscribe(ref, 'wf3:late-new', 'new');
			await buffer().subscribe(ref, 'wf4:late-oldest', 'oldest');
			assert.deepEqual(
				await buffer().read(ref, 'wf3:late-new', 100),
				[],
				'a "new" subscriber does not get what was accepted before it subscribed',
			);
			assert.deepEqual(
				ids(await buffer().read(ref, 'wf4:late-oldest', 100)),
				sent,
				'an "oldest" subscriber gets everything still retained',
			);

			// Subscribing again is idempotent: the cursor is kept (no rewind to oldest).
			await buffer().subscribe(ref, 'wf3:late-new', 'oldest');
			const [sixth] = await postMany(ref.id, 1, 5);
			assert.deepEqual(ids(await buffer().read(ref, 'wf3:late-new', 100)), [sixth]);
		});

		it('2: a cursor survives a restart — acknowledged events are not delivered again on a new connection', async () => {
			const ref = await endpoint('buf-cursor');
			await buffer().subscribe(ref, 'wf:cursor', 'new');
			const sent = await postMany(ref.id, 5);
			const first = await buffer().read(ref, 'wf:cursor', 3);
			assert.deepEqual(ids(first), sent.slice(0, 3));
			assert.equal((await buffer().ack(ref, 'wf:cursor', refs(first))).acked, 3);

			const restarted = createStores(gw.gateway.stores.connection, gw.gateway.stores.prefix);
			try {
				await restarted.waitReady(10_000);
				await restarted.buffer.subscribe(ref, 'wf:cursor', 'oldest'); // what a trigger does on activation
				const rest = await restarted.buffer.read(ref, 'wf:cursor', 100);
				assert.deepEqual(ids(rest), sent.slice(3));
			} finally {
				await restarted.close();
			}
		});

		it('3: unacknowledged events come back (pending first) until acknowledged', async () => {
			const ref = await endpoint('buf-pending');
			await buffer().subscribe(ref, 'wf:pending', 'new');
			const sent = await postMany(ref.id, 5);
			const first = await buffer().read(ref, 'wf:pending', 10);
			assert.deepEqual(ids(first), sent);

			// The execution crashed: nothing was acknowledged. A later event arrives meanwhile.
			const [later] = await postMany(ref.id, 1, 5);
			const again = await buffer().read(ref, 'wf:pending', 10);
			assert.deepEqual(
				ids(again),
				[...sent, later],
				'the 5 unacknowledged events first, then the new one',
			);
			assert.deepEqual(refs(again).slice(0, 5), refs(first), 'the same entries are redelivered');

			// Refs still in flight are not handed out twice.
			const skipping = await buffer().read(ref, 'wf:pending', 10, { skip: new Set(refs(again)) });
			assert.deepEqual(skipping, []);

			assert.equal((await buffer().ack(ref, 'wf:pending', refs(again))).acked, 6);
			assert.deepEqual(await buffer().read(ref, 'wf:pending', 10), []);
		});

		it('3b: with a reclaim time, entries in flight elsewhere come back only after that long without a renewal; failed ones at once', async () => {
			const ref = await endpoint('buf-reclaim');
			const sub = 'wf:reclaim';
			const RECLAIM = 1500;
			await buffer().subscribe(ref, sub, 'new');
			const a = await postMany(ref.id, 3);
			const first = await buffer().read(ref, sub, 10, { reclaimAfterMs: RECLAIM });
			assert.deepEqual(ids(first), a);
			const readAt = Date.now();

			// Another reader (a restarted n8n main) gets only what is new, not the run in flight.
			const [b] = await postMany(ref.id, 1, 3);
			const second = await buffer().read(ref, sub, 10, { reclaimAfterMs: RECLAIM });
			assert.deepEqual(ids(second), [b]);

			// A failed run's entries are visible again at once, whatever the reclaim time.
			assert.deepEqual(await buffer().nack(ref, sub, refs(second), 3, 'boom'), []);
			assert.deepEqual(
				ids(await buffer().read(ref, sub, 10, { reclaimAfterMs: RECLAIM })),
				[b],
				'the failed entry comes back on the next read',
			);
			await buffer().ack(ref, sub, refs(second));

			// The first reader renews one entry; the two it did not renew come back after RECLAIM.
			await sleep(RECLAIM / 2);
			assert.equal(await buffer().renew(ref, sub, [first[0].ref]), 1);
			assert.deepEqual(
				await buffer().read(ref, sub, 10, { reclaimAfterMs: RECLAIM }),
				[],
				'nothing is idle long enough yet',
			);
			await sleep(RECLAIM - (Date.now() - readAt) + 200);
			const reclaimed = await buffer().read(ref, sub, 10, { reclaimAfterMs: RECLAIM });
			assert.deepEqual(
				refs(reclaimed),
				refs(first).slice(1),
				'the unrenewed entries, the same stream entries',
			);
			assert.deepEqual(
				await buffer().read(ref, sub, 10, { reclaimAfterMs: RECLAIM }),
				[],
				'reclaiming counts as a delivery',
			);

			// Without a reclaim time (n8n in regular mode) every pending entry is visible.
			assert.deepEqual(ids(await buffer().read(ref, sub, 10)), a);
			assert.equal((await buffer().ack(ref, sub, refs(first))).acked, 3);
			assert.equal(
				await buffer().renew(ref, sub, refs(first)),
				0,
				'acknowledged entries are not renewed',
			);

			// Replayed dead letters follow the same rule.
			const [c] = await postMany(ref.id, 1, 4);
			const doomed = await buffer().read(ref, sub, 10, { reclaimAfterMs: RECLAIM });
			assert.deepEqual(ids(doomed), [c]);
			assert.deepEqual(await buffer().nack(ref, sub, refs(doomed), 1, 'boom'), refs(doomed));
			await buffer().replay(ref);
			const replayed = await buffer().read(ref, sub, 10, { reclaimAfterMs: RECLAIM });
			assert.deepEqual(ids(replayed), [c]);
			assert.match(replayed[0].ref, /^r:/);
			assert.deepEqual(
				await buffer().read(ref, sub, 10, { reclaimAfterMs: RECLAIM }),
				[],
				'a replayed entry in flight is not handed out twice',
			);
			assert.equal(await buffer().renew(ref, sub, refs(replayed)), 1);
			assert.deepEqual(await buffer().nack(ref, sub, refs(replayed), 3, 'boom'), []);
			assert.deepEqual(
				refs(await buffer().read(ref, sub, 10, { reclaimAfterMs: RECLAIM })),
				refs(replayed),
				'a failed replayed entry comes back at once',
			);
			assert.equal((await buffer().ack(ref, sub, refs(replayed))).acked, 1);
			assert.equal(await buffer().waiting(ref, sub), 0);
		});

		it('4: failed attempts — after maxAttempts nacks the events become dead letters of that subscriber only', async () => {
			const ref = await endpoint('buf-nack');
			await buffer().subscribe(ref, 'wf:fails', 'new');
			await buffer().subscribe(ref, 'wf:other', 'new');
			const sent = await postMany(ref.id, 2);

			for (let attempt = 1; attempt <= 3; attempt++) {
				const batch = await buffer().read(ref, 'wf:fails', 10);
				assert.deepEqual(ids(batch), sent, `attempt ${attempt} gets the same events`);
				const dead = await buffer().nack(
					ref,
					'wf:fails',
					refs(batch),
					3,
					`HTTP 500 from upstream (attempt ${attempt})`,
				);
				if (attempt < 3) {
					assert.deepEqual(dead, [], `attempt ${attempt} of 3 does not dead-letter`);
					assert.deepEqual(await buffer().attempts(ref, 'wf:fails', refs(batch)), [
						attempt,
						attempt,
					]);
					assert.deepEqual(await buffer().deadLetters(ref), []);
				} else {
					assert.deepEqual(dead, refs(batch), 'the 3rd failure dead-letters both');
				}
			}

			const letters = await buffer().deadLetters(ref);
			assert.equal(letters.length, 2);
			assert.deepEqual(
				letters.map((l) => ({
					sub: l.subscriberId,
					attempts: l.attempts,
					error: l.error,
					eventId: l.entry.eventId,
				})),
				sent.map((eventId) => ({
					sub: 'wf:fails',
					attempts: 3,
					error: 'HTTP 500 from upstream (attempt 3)',
					eventId,
				})),
			);
			assert.deepEqual(
				letters.map((l) => bodyN(l.entry)),
				[0, 1],
				'a dead letter keeps the event',
			);
			assert.deepEqual(
				await buffer().read(ref, 'wf:fails', 10),
				[],
				'dead letters leave the subscriber queue',
			);

			const other = await buffer().read(ref, 'wf:other', 10);
			assert.deepEqual(ids(other), sent, 'the other subscriber still gets the events');
			await buffer().ack(ref, 'wf:other', refs(other));
			assert.equal(
				(await buffer().depth(ref)).length,
				0,
				'once everyone is done (acked or dead-lettered) the stream is trimmed',
			);
			assert.equal(
				(await buffer().deadLetters(ref)).length,
				2,
				'dead letters stay after the stream is trimmed',
			);

			// Replaying chosen letters (by id) replays exactly those, in the order asked for.
			assert.deepEqual(await buffer().replay(ref, [letters[1].id]), {
				replayed: [letters[1].id],
				skipped: [],
			});
			assert.deepEqual(
				(await buffer().deadLetters(ref)).map((l) => l.id),
				[letters[0].id],
			);
			assert.deepEqual(await buffer().replay(ref, [letters[0].id]), {
				replayed: [letters[0].id],
				skipped: [],
			});
			const back = await buffer().read(ref, 'wf:fails', 10);
			assert.deepEqual(ids(back), [sent[1], sent[0]]);
			assert.deepEqual(
				await buffer().read(ref, 'wf:other', 10),
				[],
				'a replay goes only to the subscriber that failed',
			);
			assert.equal((await buffer().ack(ref, 'wf:fails', refs(back))).acked, 2);
			assert.deepEqual(await buffer().deadLetters(ref), []);
		});

		it('5: replay puts dead letters back in front of their subscriber; letters of a gone subscriber are skipped and kept', async () => {
			const ref = await endpoint('buf-replay');
			await buffer().subscribe(ref, 'wf:main', 'new');
			await buffer().subscribe(ref, 'wf:gone', 'new');
			const sent = await postMany(ref.id, 2);

			const mainBatch = await buffer().read(ref, 'wf:main', 10);
			assert.deepEqual(
				await buffer().nack(ref, 'wf:main', refs(mainBatch), 1, 'boom'),
				refs(mainBatch),
			);
			const goneBatch = await buffer().read(ref, 'wf:gone', 1);
			assert.deepEqual(
				await buffer().nack(ref, 'wf:gone', refs(goneBatch), 1, 'boom'),
				refs(goneBatch),
			);
			await buffer().subscribers.remove(ref, 'wf:gone');

			const letters = await buffer().deadLetters(ref);
			assert.equal(letters.length, 3);
			const mainLetters = letters.filter((l) => l.subscriberId === 'wf:main').map((l) => l.id);
			const goneLetters = letters.filter((l) => l.subscriberId === 'wf:gone').map((l) => l.id);
			assert.equal(mainLetters.length, 2);
			assert.equal(goneLetters.length, 1);

			// A later event is waiting too: replayed letters come before it.
			const [later] = await postMany(ref.id, 1, 2);
			const result = await buffer().replay(ref);
			assert.deepEqual([...result.replayed].sort(), [...mainLetters].sort());
			assert.deepEqual(result.skipped, goneLetters);

			const replayed = await buffer().read(ref, 'wf:main', 10);
			assert.deepEqual(
				ids(replayed),
				[...sent, later],
				'the original event ids, replayed first, then the new event',
			);
			assert.match(replayed[0].ref, /^r:/);
			assert.match(replayed[1].ref, /^r:/);
			assert.match(replayed[2].ref, /^s:/);
			assert.deepEqual(
				replayed.slice(0, 2).map(bodyN),
				[0, 1],
				'the replayed events keep their bodies',
			);
			assert.equal((await buffer().ack(ref, 'wf:main', refs(replayed))).acked, 3);
			assert.deepEqual(
				await buffer().read(ref, 'wf:main', 10),
				[],
				'acknowledged replays are gone',
			);

			const remaining = await buffer().deadLetters(ref);
			assert.deepEqual(
				remaining.map((l) => l.id),
				goneLetters,
				"no letter of wf:main is left; the gone subscriber's letter stays",
			);
			const explicit = await buffer().replay(ref, goneLetters);
			assert.deepEqual(explicit, { replayed: [], skipped: goneLetters });
			assert.deepEqual(
				(await buffer().deadLetters(ref)).map((l) => l.id),
				goneLetters,
			);
		});

		it('6: peek shows the newest (or oldest) buffered events and consumes nothing', async () => {
			const ref = await endpoint('buf-peek');
			await buffer().subscribe(ref, 'wf:peek', 'new');
			const sent = await postMany(ref.id, 4);
			assert.deepEqual(ids(await buffer().peek(ref, 2)), [sent[3], sent[2]], 'newest first');
			assert.deepEqual(ids(await buffer().peek(ref, 2, 'oldest')), [sent[0], sent[1]]);
			assert.equal((await buffer().depth(ref)).length, 4);
			assert.deepEqual(
				ids(await buffer().read(ref, 'wf:peek', 10)),
				sent,
				'the subscriber still reads everything',
			);
		});

		it('7: a blocking read returns an event well under a second after it is accepted; waitForNext consumes nothing', async () => {
			const ref = await endpoint('buf-block');
			await buffer().subscribe(ref, 'wf:raw', 'new');
			await buffer().subscribe(ref, 'wf:batch', 'new');
			const blocking = gw.gateway.stores.blockingBuffer();
			try {
				const reading = blocking.buffer
					.read(ref, 'wf:raw', 10, { blockMs: 5000 })
					.then((entries) => ({ entries, at: Date.now() }));
				await sleep(200);
				const sent = await post(ref.id, 1);
				const acceptedAt = Date.now();
				assert.equal(sent.status, 202);
				const { entries, at } = await reading;
				assert.deepEqual(ids(entries), [sent.eventId]);
				assert.ok(
					at - acceptedAt < 1000,
					`the blocked reader got the event ${at - acceptedAt} ms after the 202`,
				);
				await blocking.buffer.ack(ref, 'wf:raw', refs(entries));

				const waiting = blocking.buffer.waitForNext(ref, 2000);
				await sleep(200);
				const next = await post(ref.id, 2);
				assert.equal(next.status, 202);
				const seen = await waiting;
				assert.equal(seen?.eventId, next.eventId, 'waitForNext returns the next accepted event');
				assert.equal(seen ? bodyN(seen) : undefined, 2);
				assert.equal(
					await blocking.buffer.waitForNext(ref, 300),
					undefined,
					'nothing new → undefined after the wait',
				);

				assert.deepEqual(
					ids(await buffer().read(ref, 'wf:raw', 10)),
					[next.eventId],
					'waitForNext consumed nothing',
				);
				assert.deepEqual(ids(await buffer().read(ref, 'wf:batch', 10)), [
					sent.eventId,
					next.eventId,
				]);
			} finally {
				blocking.close();
			}
		});

		it('8: trimming — an event leaves the stream only after every subscriber acknowledged it; with no subscriber nothing is trimmed', async () => {
			const ref = await endpoint('buf-trim');
			await buffer().subscribe(ref, 'wf:fast', 'new');
			await buffer().subscribe(ref, 'wf:slow', 'new');
			await postMany(ref.id, 5);
			const fast = await buffer().read(ref, 'wf:fast', 10);
			assert.equal((await buffer().ack(ref, 'wf:fast', refs(fast))).trimmed, 0);
			assert.equal((await buffer().depth(ref)).length, 5, 'wf:slow has not acknowledged yet');

			const slowPart = await buffer().read(ref, 'wf:slow', 2);
			assert.deepEqual(await buffer().ack(ref, 'wf:slow', refs(slowPart)), {
				acked: 2,
				trimmed: 2,
			});
			assert.equal((await buffer().depth(ref)).length, 3);
			const slowRest = await buffer().read(ref, 'wf:slow', 10);
			assert.equal(slowRest.length, 3);
			assert.equal((await buffer().ack(ref, 'wf:slow', refs(slowRest))).trimmed, 3);
			assert.deepEqual(await buffer().depth(ref), { length: 0, oldestReceivedAtMs: null });

			const lone = await endpoint('buf-trim-nosubs');
			const sent = await postMany(lone.id, 5);
			assert.deepEqual(await buffer().ack(lone, 'wf:nobody', [`s:${sent[4]}`]), {
				acked: 0,
				trimmed: 0,
			});
			assert.equal((await buffer().maintain(lone, 7 * 86_400_000, 0)).trimmed, 0);
			assert.equal(
				(await buffer().depth(lone)).length,
				5,
				'with no subscriber every event is kept for future ones',
			);
		});

		it('9: capacity — a full buffer answers 503 buffer_full until subscribers acknowledge', async () => {
			const ref = await endpoint('buf-capacity', { bufferCapacity: 3 });
			await postMany(ref.id, 3);
			const full = await post(ref.id, 3);
			assert.equal(full.status, 503);
			assert.equal(full.code, 'buffer_full');
			assert.ok(Number(full.retryAfter) >= 1, 'Retry-After is set');
			assert.equal((await buffer().depth(ref)).length, 3);

			await buffer().subscribe(ref, 'wf:drain', 'oldest');
			const all = await buffer().read(ref, 'wf:drain', 10);
			assert.equal(all.length, 3);
			await buffer().ack(ref, 'wf:drain', refs(all));
			assert.equal((await buffer().depth(ref)).length, 0);
			const again = await post(ref.id, 4);
			assert.equal(again.status, 202, 'accepted again once the buffer was drained');
			assert.deepEqual(ids(await buffer().read(ref, 'wf:drain', 10)), [again.eventId]);
		});

		it('10: retention — an unseen subscriber is dropped so its backlog can be trimmed; events older than the event retention are trimmed', async () => {
			// Subscriber retention. maintain() reads Redis TIME in whole seconds, so the timings below
			// leave more than a second of margin: the old subscriber is unseen for > 1.4 s.
			const ref = await endpoint('buf-retention-subs');
			await buffer().subscribe(ref, 'wf:abandoned', 'new');
			await buffer().subscribe(ref, 'wf:alive', 'new');
			await postMany(ref.id, 3);
			const alive = await buffer().read(ref, 'wf:alive', 10);
			await buffer().ack(ref, 'wf:alive', refs(alive));
			assert.equal((await buffer().depth(ref)).length, 3, 'wf:abandoned still holds the backlog');

			const kept = await buffer().maintain(ref, 7 * 86_400_000, 0);
			assert.deepEqual(
				kept,
				{ droppedSubscribers: [], trimmed: 0, discarded: { entries: 0, bytes: 0 } },
				'within the retention nothing is dropped',
			);

			await sleep(1400);
			await buffer().touch(ref, 'wf:alive');
			const result = await buffer().maintain(ref, 300, 0);
			assert.deepEqual(result.droppedSubscribers, ['wf:abandoned']);
			assert.equal(result.trimmed, 3, "the dropped subscriber's backlog is trimmed");
			assert.equal((await buffer().depth(ref)).length, 0);
			assert.deepEqual(
				(await buffer().subscribers.list(ref)).map((s) => s.id),
				['wf:alive'],
			);
			const [next] = await postMany(ref.id, 1, 3);
			assert.deepEqual(
				ids(await buffer().read(ref, 'wf:alive', 10)),
				[next],
				'the live subscriber keeps its cursor',
			);

			// Event retention by age: unacknowledged events older than it are trimmed, newer ones stay.
			const aged = await endpoint('buf-retention-events');
			await buffer().subscribe(aged, 'wf:stuck', 'new');
			const old = await postMany(aged.id, 2);
			assert.deepEqual(
				ids(await buffer().read(aged, 'wf:stuck', 10)),
				old,
				'delivered, never acknowledged',
			);
			await sleep(1500);
			const fresh = await postMany(aged.id, 2, 2);
			const trimmed = await buffer().maintain(aged, 7 * 86_400_000, 300);
			assert.equal(trimmed.trimmed, 2, 'the 2 old events are trimmed');
			assert.equal(trimmed.discarded.entries, 2, 'and reported as discarded (never acknowledged)');
			assert.deepEqual(trimmed.droppedSubscribers, []);
			assert.deepEqual(ids(await buffer().peek(aged, 10, 'oldest')), fresh);
			assert.deepEqual(
				ids(await buffer().read(aged, 'wf:stuck', 10)),
				fresh,
				'the trimmed events are no longer delivered',
			);
		});

		it('11: leases — one owner at a time releases for a subscriber', async () => {
			const ref = await endpoint('buf-lease');
			const sub = 'wf:lease';
			assert.equal(await buffer().takeLease(ref, sub, 'owner-a', 10_000), true);
			assert.equal(
				await buffer().takeLease(ref, sub, 'owner-b', 10_000),
				false,
				'B cannot take a lease A holds',
			);
			assert.equal(
				await buffer().takeLease(ref, sub, 'owner-a', 10_000),
				true,
				'A extends its own lease',
			);
			await buffer().releaseLease(ref, sub, 'owner-b');
			assert.equal(
				await buffer().takeLease(ref, sub, 'owner-b', 10_000),
				false,
				"B's release did not free A's lease",
			);
			await buffer().releaseLease(ref, sub, 'owner-a');
			assert.equal(
				await buffer().takeLease(ref, sub, 'owner-b', 10_000),
				true,
				'after A released, B takes it',
			);
			assert.equal(await buffer().takeLease(ref, sub, 'owner-a', 10_000), false);
			assert.equal(
				await buffer().takeLease(ref, 'wf:lease-other', 'owner-a', 10_000),
				true,
				'leases are per subscriber',
			);

			// A lease expires by itself when its owner dies.
			assert.equal(await buffer().takeLease(ref, 'wf:lease-ttl', 'owner-a', 150), true);
			await sleep(400);
			assert.equal(await buffer().takeLease(ref, 'wf:lease-ttl', 'owner-b', 10_000), true);
		});

		it('12: subscribers() and waiting() report what is waiting and pending', async () => {
			const ref = await endpoint('buf-counts');
			await buffer().subscribe(ref, 'wf:count-a', 'new');
			await buffer().subscribe(ref, 'wf:count-b', 'new');
			await postMany(ref.id, 5);

			const info = async (sub: string) => {
				const s = (await buffer().subscribers.list(ref)).find((x) => x.id === sub);
				assert.ok(s, `${sub} is listed`);
				return {
					waiting: s.waiting,
					pending: s.pending,
					waitingFn: await buffer().waiting(ref, sub),
				};
			};
			assert.deepEqual(await info('wf:count-a'), { waiting: 5, pending: 0, waitingFn: 5 });

			const batch = await buffer().read(ref, 'wf:count-a', 3);
			assert.deepEqual(
				await info('wf:count-a'),
				{ waiting: 5, pending: 3, waitingFn: 5 },
				'read but not acknowledged still waits',
			);
			await buffer().ack(ref, 'wf:count-a', refs(batch).slice(0, 2));
			assert.deepEqual(await info('wf:count-a'), { waiting: 3, pending: 1, waitingFn: 3 });
			assert.deepEqual(
				await info('wf:count-b'),
				{ waiting: 5, pending: 0, waitingFn: 5 },
				'b is untouched',
			);

			// b finishes everything: the stream is trimmed down to what a still needs.
			const bAll = await buffer().read(ref, 'wf:count-b', 10);
			await buffer().ack(ref, 'wf:count-b', refs(bAll));
			assert.equal((await buffer().depth(ref)).length, 3);
			assert.deepEqual(await info('wf:count-b'), { waiting: 0, pending: 0, waitingFn: 0 });
			assert.deepEqual(
				await info('wf:count-a'),
				{ waiting: 3, pending: 1, waitingFn: 3 },
				'counts stay right after trimming',
			);

			// A subscriber created from the oldest retained event waits for all of them.
			await buffer().subscribe(ref, 'wf:count-c', 'oldest');
			assert.deepEqual(await info('wf:count-c'), { waiting: 3, pending: 0, waitingFn: 3 });

			// A dead letter leaves the count; once replayed it counts again.
			const rest = await buffer().read(ref, 'wf:count-a', 10);
			assert.equal(rest.length, 3);
			await buffer().ack(ref, 'wf:count-a', refs(rest).slice(1));
			assert.deepEqual(await buffer().nack(ref, 'wf:count-a', [rest[0].ref], 1, 'fail'), [
				rest[0].ref,
			]);
			assert.deepEqual(await info('wf:count-a'), { waiting: 0, pending: 0, waitingFn: 0 });
			await buffer().replay(ref);
			assert.equal(
				await buffer().waiting(ref, 'wf:count-a'),
				1,
				'a replayed dead letter waits again',
			);

			const usage = await mgmt().endpointUsage(ref.id);
			assert.deepEqual(
				usage.subscribers
					.map((s) => ({ id: s.id, waiting: s.waiting, pending: s.pending }))
					.sort((x, y) => x.id.localeCompare(y.id)),
				[
					{ id: 'wf:count-a', waiting: 0, pending: 0 },
					{ id: 'wf:count-b', waiting: 0, pending: 0 },
					{ id: 'wf:count-c', waiting: 3, pending: 0 },
				],
			);
		});

		it('13: deleting an endpoint removes its buffered events, subscribers and dead letters', async () => {
			const ref = await endpoint('buf-delete');
			await buffer().subscribe(ref, 'wf:del', 'new');
			await postMany(ref.id, 3);
			const batch = await buffer().read(ref, 'wf:del', 1);
			await buffer().nack(ref, 'wf:del', refs(batch), 1, 'fail');
			assert.equal((await buffer().deadLetters(ref)).length, 1);
			assert.equal((await buffer().depth(ref)).length, 3);

			await mgmt().deleteEndpoint(ref.id, { force: true });
			await endpoint(ref.id);
			assert.deepEqual(await buffer().depth(ref), { length: 0, oldestReceivedAtMs: null });
			assert.deepEqual(await buffer().deadLetters(ref), []);
			assert.deepEqual(await buffer().subscribers.list(ref), []);
			assert.deepEqual(await buffer().peek(ref, 10), []);

			// The re-created endpoint starts clean: a new subscriber sees only new events.
			await buffer().subscribe(ref, 'wf:del', 'oldest');
			await sleep(100); // the gateways' registry cache is invalidated by pub/sub
			const fresh = await postMany(ref.id, 1, 10);
			assert.deepEqual(ids(await buffer().read(ref, 'wf:del', 10)), fresh);
		});
	});
}
