/** Events → n8n items (both output modes, binary raw body) and IRun → acknowledge or not. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IBinaryData, IRun } from 'n8n-workflow';
import { outcomeOfRun } from '../../nodes/shared/emit';
import { binaryFileName, itemsOf, mimeTypeOf, type PrepareBinary } from '../../nodes/shared/items';
import type { WebhookEvent } from '../../src/types';

function event(
	n: number,
	contentType = 'application/json',
	raw = JSON.stringify({ n }),
): WebhookEvent {
	return {
		id: `1700000000000-${n}`,
		endpointId: 'orders',
		accountId: 'default',
		receivedAt: new Date(1_700_000_000_000).toISOString(),
		method: 'POST',
		path: '',
		query: { a: String(n) },
		headers: { 'content-type': contentType },
		contentType,
		body: contentType === 'application/json' ? JSON.parse(raw) : raw,
		rawBody: Buffer.from(raw).toString('base64'),
		sourceIp: '127.0.0.1',
	};
}

const prepared: { data: Buffer; fileName: string; mimeType: string }[] = [];
const prepare: PrepareBinary = async (data, fileName, mimeType) => {
	prepared.push({ data, fileName, mimeType });
	return { data: data.toString('base64'), fileName, mimeType } as IBinaryData;
};

describe('items of a release', () => {
	it('one item per event, in order, the event as JSON', async () => {
		const events = [event(1), event(2), event(3)];
		const items = await itemsOf(events, { output: 'perEvent', includeRawBody: false }, prepare);
		assert.deepEqual(
			items.map((i) => i.json),
			events,
		);
		assert.ok(items.every((i) => i.binary === undefined));
	});

	it('one item holding all events', async () => {
		const events = [event(1), event(2)];
		const items = await itemsOf(events, { output: 'allInOne', includeRawBody: false }, prepare);
		assert.deepEqual(items, [{ json: { events, count: 2 } }]);
	});

	it('an empty release still gives one item so the workflow runs', async () => {
		for (const output of ['perEvent', 'allInOne'] as const) {
			assert.deepEqual(await itemsOf([], { output, includeRawBody: true }, prepare), [
				{ json: { events: [], count: 0 } },
			]);
		}
	});

	it('adds the exact bytes as binary "data" with the request’s media type', async () => {
		prepared.length = 0;
		const raw = '<a>ü</a>';
		const items = await itemsOf(
			[event(7, 'application/xml; charset=utf-8', raw)],
			{ output: 'perEvent', includeRawBody: true },
			prepare,
		);
		assert.equal(prepared.length, 1);
		assert.equal(prepared[0].data.toString('utf8'), raw);
		assert.equal(prepared[0].mimeType, 'application/xml');
		assert.equal(prepared[0].fileName, 'webhook-1700000000000-7.xml');
		assert.deepEqual(Object.keys(items[0].binary ?? {}), ['data']);
	});

	it('numbers the binary properties when all events are in one item', async () => {
		const items = await itemsOf(
			[event(1), event(2)],
			{ output: 'allInOne', includeRawBody: true },
			prepare,
		);
		assert.deepEqual(Object.keys(items[0].binary ?? {}), ['data_0', 'data_1']);
	});

	it('media type and file name helpers', () => {
		assert.equal(mimeTypeOf(''), 'application/octet-stream');
		assert.equal(mimeTypeOf('Application/JSON ; charset=UTF-8'), 'application/json');
		assert.equal(
			binaryFileName({ id: '1-0', contentType: 'application/vnd.api+json' }),
			'webhook-1-0.json',
		);
		assert.equal(binaryFileName({ id: '1-0', contentType: 'image/png' }), 'webhook-1-0.bin');
		assert.equal(binaryFileName({ id: '1-0', contentType: 'text/plain' }), 'webhook-1-0.txt');
	});
});

function run(partial: Partial<IRun> & { error?: { message: string } }): IRun {
	const { error, ...rest } = partial;
	return {
		data: { resultData: { runData: {}, ...(error ? { error } : {}) } },
		finished: true,
		mode: 'trigger',
		startedAt: new Date(),
		status: 'success',
		...rest,
	} as unknown as IRun;
}

describe('run outcome (acknowledge only after success)', () => {
	it('a successful run is acknowledged', () => {
		assert.deepEqual(outcomeOfRun(run({})), { ok: true });
	});
	it('a run waiting in a Wait node counts as delivered', () => {
		assert.deepEqual(outcomeOfRun(run({ status: 'waiting', finished: false })), { ok: true });
	});
	it('a run with an error is not', () => {
		assert.deepEqual(outcomeOfRun(run({ status: 'error', error: { message: 'boom' } })), {
			ok: false,
			error: 'boom',
		});
	});
	it('crashed or canceled runs are not', () => {
		assert.equal(outcomeOfRun(run({ status: 'crashed' })).ok, false);
		assert.equal(outcomeOfRun(run({ status: 'canceled' })).ok, false);
	});
	it('no run at all is not', () => {
		assert.equal(outcomeOfRun(undefined).ok, false);
	});
});
