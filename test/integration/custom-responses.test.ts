/**
 * Custom answers to accepted requests (docs/custom-responses.md), over real HTTP against a real
 * gateway and Redis: an endpoint's status/body/content type replace the default 202 JSON for
 * accepted requests and duplicates; rejections and handshakes keep their answers; the event is
 * still stored; bad settings are refused by the admin API; clearing the setting restores 202.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestGateway, type TestGateway } from '../harness/gateway';
import { startRedis, type RedisServer } from '../harness/redis';

const TOKEN = 'custom-answer-token-0123456789';

describe('custom responses per endpoint', () => {
	let redis: RedisServer;
	let gw: TestGateway;
	const post = (id: string, body: string, headers: Record<string, string> = {}) =>
		gw.request(`/hooks/${id}`, {
			method: 'POST',
			body,
			headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, ...headers },
		});

	before(async () => {
		redis = await startRedis();
		gw = await startTestGateway({ url: redis.url });
		await gw.gateway.management.setAccountPlan('acct-answer', 'unlimited');
	});
	after(async () => {
		await gw?.close();
		await redis?.stop();
	});

	it('answers accepted requests and duplicates with the custom status, body and content type, and stores the event', async () => {
		const created = await gw.admin('POST', '/endpoints', {
			id: 'answer-200',
			accountId: 'acct-answer',
			auth: { type: 'header' },
			secret: TOKEN,
			dedupe: { source: { type: 'header', name: 'x-delivery' } },
			acceptResponse: { status: 200, body: '<ok/>', contentType: 'application/xml' },
		});
		assert.equal(created.status, 201);
		assert.deepEqual(created.body.endpoint.acceptResponse, {
			status: 200,
			body: '<ok/>',
			contentType: 'application/xml',
		});

		const res = await post('answer-200', '{"n":1}', { 'x-delivery': 'd-1' });
		assert.equal(res.status, 200);
		assert.equal(res.headers.get('content-type'), 'application/xml');
		assert.equal(await res.text(), '<ok/>');
		const eventId = res.headers.get('x-webhook-gateway-event-id');
		assert.ok(eventId, 'the event id travels in a header');
		const peeked = await gw.gateway.management.peekEvents('answer-200', 5);
		assert.deepEqual(
			peeked.map((e) => e.id),
			[eventId],
		);
		assert.deepEqual(peeked[0].body, { n: 1 });

		const again = await post('answer-200', '{"n":1}', { 'x-delivery': 'd-1' });
		assert.equal(again.status, 200);
		assert.equal(await again.text(), '<ok/>');
		assert.equal(
			again.headers.get('x-webhook-gateway-event-id'),
			eventId,
			'a duplicate names the first event',
		);
		assert.equal(
			(await gw.gateway.management.peekEvents('answer-200', 5)).length,
			1,
			'the duplicate is not stored',
		);
	});

	it('keeps rejections as JSON errors', async () => {
		const wrong = await post('answer-200', '{}', { authorization: 'Bearer wrong-token-value' });
		assert.equal(wrong.status, 403);
		assert.equal(((await wrong.json()) as any).error.code, 'unauthorized');
		const badBody = await post('answer-200', '{not json');
		assert.equal(badBody.status, 400);
		assert.equal(((await badBody.json()) as any).error.code, 'invalid_body');
	});

	it('keeps handshakes as they are', async () => {
		await gw.gateway.management.createEndpoint(
			{
				id: 'answer-hub',
				accountId: 'acct-answer',
				auth: { type: 'none' },
				methods: ['GET', 'POST'],
				handshake: { mode: 'hubChallenge' },
				acceptResponse: { status: 200, body: 'EVENT_RECEIVED' },
			},
			'test',
		);
		const hs = await gw.request('/hooks/answer-hub?hub.mode=subscribe&hub.challenge=abc123');
		assert.equal(hs.status, 200);
		assert.equal(await hs.text(), 'abc123');
		const accepted = await gw.request('/hooks/answer-hub', {
			method: 'POST',
			body: '{}',
			headers: { 'content-type': 'application/json' },
		});
		assert.equal(accepted.status, 200);
		assert.equal(
			accepted.headers.get('content-type'),
			'text/plain; charset=utf-8',
			'default content type of a custom answer',
		);
		assert.equal(await accepted.text(), 'EVENT_RECEIVED');
	});

	it('answers 204 without a body', async () => {
		await gw.gateway.management.createEndpoint(
			{
				id: 'answer-204',
				accountId: 'acct-answer',
				auth: { type: 'none' },
				acceptResponse: { status: 204 },
			},
			'test',
		);
		const res = await gw.request('/hooks/answer-204', {
			method: 'POST',
			body: '{}',
			headers: { 'content-type': 'application/json' },
		});
		assert.equal(res.status, 204);
		assert.equal(await res.text(), '');
		assert.equal(res.headers.get('content-length'), null);
		assert.ok(res.headers.get('x-webhook-gateway-event-id'));
	});

	it('refuses answers that are not 2xx, too large, bodies on 204, bad content types and unknown fields', async () => {
		const cases: [unknown, RegExp][] = [
			[{ status: 302 }, /acceptResponse\.status/],
			[{ status: 'ok' }, /acceptResponse\.status/],
			[{ body: 'x'.repeat(4097) }, /4096 bytes/],
			[{ status: 204, body: 'no' }, /must be empty/],
			[{ contentType: 'not a type' }, /contentType/],
			[{ headers: {} }, /acceptResponse\.headers is not a known field/],
			['text', /acceptResponse must be an object/],
		];
		for (const [acceptResponse, message] of cases) {
			const res = await gw.admin('PATCH', '/endpoints/answer-200', { acceptResponse });
			assert.equal(res.status, 400, JSON.stringify(acceptResponse));
			assert.equal((res.body as any).error.code, 'invalid_request');
			assert.match((res.body as any).error.message, message);
		}
		const exact = await gw.admin('PATCH', '/endpoints/answer-204', {
			acceptResponse: { status: 200, body: 'é'.repeat(2048) },
		});
		assert.equal(exact.status, 200, '4096 bytes of UTF-8 are allowed');
	});

	it('goes back to the default 202 JSON when the setting is cleared', async () => {
		const cleared = await gw.admin('PATCH', '/endpoints/answer-200', { acceptResponse: null });
		assert.equal(cleared.status, 200);
		assert.equal(cleared.body.endpoint.acceptResponse, null);
		// Gateways drop their cached record when the change is published: wait for it, do not sleep.
		const deadline = Date.now() + 10_000;
		let res = await post('answer-200', '{}');
		while (res.status !== 202 && Date.now() < deadline) {
			await res.arrayBuffer();
			res = await post('answer-200', '{}');
		}
		assert.equal(res.status, 202);
		const body = (await res.json()) as { status: string; eventId: string };
		assert.equal(body.status, 'accepted');
		assert.match(body.eventId, /^\d+-\d+$/);
	});
});
