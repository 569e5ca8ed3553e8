/**
 * The Batch Trigger's release driver on an in-memory buffer: ticks never overlap, a backlog goes
 * out in batches, closing stops after the running batch, and "release when N are waiting".
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BatchReleaser, type BatchReleaserOptions } from '../../src/delivery/batchReleaser';
import type { RunOutcome } from '../../src/delivery/types';
import { silentLogger } from '../../src/logger';
import type {
	BufferDelivery,
	EndpointRef,
	NackResult,
	ReadOptions,
	ReadResult,
	StoredEntry,
} from '../../src/redis/bufferPorts';
import type { WebhookEvent } from '../../src/types';

/**
 * The delivery port over an array: reads return the oldest entries (minus `skip`), without
 * reclaim delays, byte caps or attempt limits on read (these tests do not set them); an entry
 * leaves the queue when acknowledged or dead-lettered. Redis behaviour is tested on a real
 * redis-server (test/integration/buffer.suite.ts, batch-release tests).
 */
class MemoryBuffer implements BufferDelivery {
	queue: StoredEntry[] = [];
	acked: string[] = [];
	failures = new Map<string, number>();
	dead: string[] = [];
	touches = 0;

	add(n: number): void {
		for (let i = 0; i < n; i++) {
			const id = `${1_700_000_000_000 + this.queue.length + this.acked.length}-0`;
			this.queue.push({
				ref: `s:${id}`,
				eventId: id,
				receivedAtMs: 1_700_000_000_000,
				method: 'POST',
				path: '',
				query: '',
				headers: { 'content-type': 'text/plain' },
				sourceIp: '127.0.0.1',
				body: Buffer.from(id),
			});
		}
	}
	private queued(refs: readonly string[]): number {
		return refs.filter((r) => this.queue.some((e) => e.ref === r)).length;
	}
	async takeLease(): Promise<boolean> {
		return true;
	}
	async releaseLease(): Promise<void> {}
	async touch(): Promise<boolean> {
		this.touches++;
		return true;
	}
	async readBatch(
		_ep: EndpointRef,
		_sub: string,
		count: number,
		options: ReadOptions = {},
	): Promise<ReadResult> {
		const entries = this.queue.filter((e) => !options.skip?.has(e.ref)).slice(0, count);
		return { entries, deadLettered: [], held: [], bytesFull: false };
	}
	async renew(_ep: EndpointRef, _sub: string, refs: readonly string[]): Promise<number> {
		return this.queued(refs);
	}
	/** Read entries stay queued until settled here, so giving them back changes nothing. */
	async unread(_ep: EndpointRef, _sub: string, refs: readonly string[]): Promise<number> {
		return this.queued(refs);
	}
	async ack(
		_ep: EndpointRef,
		_sub: string,
		refs: string[],
	): Promise<{ acked: number; trimmed: number }> {
		const acked = this.queued(refs);
		this.queue = this.queue.filter((e) => !refs.includes(e.ref));
		this.acked.push(...refs);
		return { acked, trimmed: 0 };
	}
	async ackFiltered(ep: EndpointRef, sub: string, refs: string[]): Promise<number> {
		return (await this.ack(ep, sub, refs)).acked;
	}
	async recordFailure(
		_ep: EndpointRef,
		_sub: string,
		refs: string[],
		max: number,
	): Promise<NackResult> {
		const dead = refs.filter((r) => {
			const n = (this.failures.get(r) ?? 0) + 1;
			this.failures.set(r, n);
			return n >= max;
		});
		this.queue = this.queue.filter((e) => !dead.includes(e.ref));
		this.dead.push(...dead);
		return { dead, held: [] };
	}
	async attempts(_ep: EndpointRef, _sub: string, refs: string[]): Promise<number[]> {
		return refs.map((r) => this.failures.get(r) ?? 0);
	}
	async waiting(): Promise<number> {
		return this.queue.length;
	}
}

function releaser(
	buffer: MemoryBuffer,
	run: (events: WebhookEvent[]) => Promise<RunOutcome>,
	options: Partial<BatchReleaserOptions> = {},
): BatchReleaser {
	return new BatchReleaser(
		{
			buffer,
			endpoint: { id: 'orders', accountId: 'default' },
			subscriberId: 'wf:node',
			maxEvents: 10,
			maxAttempts: 3,
			emitWhenEmpty: false,
			releaseWhenWaiting: 0,
			leaseOwner: 'test',
			logger: silentLogger,
			...options,
		},
		run,
	);
}

const deferred = () => {
	let resolve!: (o: RunOutcome) => void;
	const promise = new Promise<RunOutcome>((r) => (resolve = r));
	return { promise, resolve };
};

describe('batch releaser', () => {
	it('releases a backlog as batches of at most maxEvents, in order, acknowledging each', async () => {
		const buffer = new MemoryBuffer();
		buffer.add(25);
		const sizes: number[] = [];
		const r = releaser(buffer, async (events) => {
			sizes.push(events.length);
			return { ok: true };
		});
		assert.equal(r.tick('schedule'), true);
		await r.whenIdle();
		assert.deepEqual(sizes, [10, 10, 5]);
		assert.equal(buffer.queue.length, 0);
		assert.equal(buffer.acked.length, 25);
	});

	it('never runs two releases at once: a tick during a release is skipped', async () => {
		const buffer = new MemoryBuffer();
		buffer.add(3);
		const gate = deferred();
		let runs = 0;
		const r = releaser(buffer, async () => {
			runs++;
			return gate.promise;
		});
		assert.equal(r.tick('schedule'), true);
		await new Promise((res) => setTimeout(res, 20));
		assert.equal(r.tick('schedule'), false, 'second tick skipped');
		gate.resolve({ ok: true });
		await r.whenIdle();
		assert.equal(runs, 1);
		assert.equal(r.tick('schedule'), true, 'the next tick runs again');
		await r.whenIdle();
	});

	it('a failed batch stays buffered; after maxAttempts it is dead-lettered', async () => {
		const buffer = new MemoryBuffer();
		buffer.add(2);
		const r = releaser(buffer, async () => ({ ok: false, error: 'boom' }));
		for (let i = 0; i < 2; i++) {
			r.tick('schedule');
			await r.whenIdle();
			assert.equal(buffer.queue.length, 2, `still buffered after failure ${i + 1}`);
		}
		r.tick('schedule');
		await r.whenIdle();
		assert.equal(buffer.queue.length, 0);
		assert.equal(buffer.dead.length, 2);
	});

	it('closing settles the running batch and reads no further one', async () => {
		const buffer = new MemoryBuffer();
		buffer.add(25);
		const gate = deferred();
		let runs = 0;
		const r = releaser(buffer, async () => {
			runs++;
			return gate.promise;
		});
		r.tick('schedule');
		await new Promise((res) => setTimeout(res, 20));
		r.stop();
		r.stop(); // idempotent
		gate.resolve({ ok: true });
		await r.whenIdle();
		assert.equal(runs, 1, 'no batch after close');
		assert.equal(buffer.acked.length, 10, 'the running batch was acknowledged');
		assert.equal(r.tick('schedule'), false, 'no tick after close');
	});

	it('releases as soon as N events wait, and pauses that after a failure until the next scheduled tick', async () => {
		const buffer = new MemoryBuffer();
		let outcome: RunOutcome = { ok: false, error: 'boom' };
		let runs = 0;
		const r = releaser(
			buffer,
			async () => {
				runs++;
				return outcome;
			},
			{ releaseWhenWaiting: 5, waitingPollMs: 20, maxAttempts: 10 },
		);
		r.start();
		try {
			buffer.add(4);
			await new Promise((res) => setTimeout(res, 100));
			assert.equal(runs, 0, 'below the threshold');
			buffer.add(1);
			await new Promise((res) => setTimeout(res, 100));
			assert.equal(runs, 1, 'released at the threshold');
			await new Promise((res) => setTimeout(res, 150));
			assert.equal(runs, 1, 'after a failure, no release until the schedule');
			outcome = { ok: true };
			r.tick('schedule');
			await r.whenIdle();
			assert.equal(runs, 2);
			assert.equal(buffer.queue.length, 0);
		} finally {
			r.stop();
		}
	});
});
