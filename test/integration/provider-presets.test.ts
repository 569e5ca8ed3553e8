/**
 * Catalog presets over real HTTP against a real gateway and Redis: each provider handshake is
 * answered as the provider expects, signed ones only after the signature verified, and none of
 * them stores anything; URL-signed presets (Twilio, Square) verify against the URL the sender
 * called as seen through a proxy; the provider's delivery id dedupes; credential headers are
 * not stored.
 */
import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync, randomBytes, sign as signWith } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startTestGateway, type TestGateway } from '../harness/gateway';
import { startRedis, type RedisServer } from '../harness/redis';

const hex = (key: string, ...parts: string[]) =>
	parts.reduce((m, p) => m.update(p), createHmac('sha256', key)).digest('hex');

describe('provider presets over HTTP', () => {
	let redis: RedisServer;
	let gw: TestGateway;
	const mgmt = () => gw.gateway.management;
	const stored = async (id: string) => (await mgmt().peekEvents(id, 1000)).length;
	const create = async (
		id: string,
		auth: Record<string, unknown>,
		secret: string,
		extra: Record<string, unknown> = {},
	) => {
		await mgmt().createEndpoint({ id, accountId: 'acct-presets', auth, secret, ...extra }, 'test');
	};
	const post = (id: string, headers: Record<string, string>, body: string, query = '') =>
		gw.request(`/hooks/${id}${query}`, {
			method: 'POST',
			body,
			headers: { 'content-type': 'application/json', ...headers },
		});

	before(async () => {
		redis = await startRedis();
		gw = await startTestGateway({ url: redis.url });
		await mgmt().setAccountPlan('acct-presets', 'unlimited');
	});

	after(async () => {
		await gw?.close();
		await redis?.stop();
	});

	test('zoom: endpoint.url_validation is answered with the HMAC of plainToken after the signature verified; stores nothing', async () => {
		const secret = 'zoom-secret-token-1';
		await create('zoom-1', { type: 'hmac', preset: 'zoom' }, secret);
		const plainToken = randomBytes(8).toString('hex');
		const body = JSON.stringify({
			event: 'endpoint.url_validation',
			payload: { plainToken },
			event_ts: Date.now(),
		});
		const ts = String(Math.floor(Date.now() / 1000));
		const signed = (key: string) => ({
			'x-zm-request-timestamp': ts,
			'x-zm-signature': `v0=${hex(key, `v0:${ts}:`, body)}`,
		});
		const res = await post('zoom-1', signed(secret), body);
		assert.equal(res.status, 200);
		assert.deepEqual(await res.json(), { plainToken, encryptedToken: hex(secret, plainToken) });
		assert.equal((await post('zoom-1', signed('wrong'), body)).status, 403);
		assert.equal(await stored('zoom-1'), 0);
		const event = JSON.stringify({ event: 'meeting.started', payload: {} });
		const ok = await post(
			'zoom-1',
			{ 'x-zm-request-timestamp': ts, 'x-zm-signature': `v0=${hex(secret, `v0:${ts}:`, event)}` },
			event,
		);
		assert.equal(ok.status, 202);
		const [stored1] = await mgmt().peekEvents('zoom-1', 1);
		assert.equal(
			stored1.headers['x-zm-signature'],
			undefined,
			'the signature header is not stored',
		);
	});

	test('twitch: webhook_callback_verification echoes the challenge as text/plain only when signed; the message id dedupes', async () => {
		const secret = 'twitch-secret-0123456789';
		await create('twitch-1', { type: 'hmac', preset: 'twitch' }, secret);
		const challenge = randomBytes(10).toString('hex');
		const body = JSON.stringify({ challenge, subscription: { type: 'channel.follow' } });
		const at = new Date().toISOString();
		const headers = (type: string, id: string, b: string, key = secret) => ({
			'twitch-eventsub-message-id': id,
			'twitch-eventsub-message-timestamp': at,
			'twitch-eventsub-message-type': type,
			'twitch-eventsub-message-signature': `sha256=${hex(key, id + at, b)}`,
		});
		const res = await post('twitch-1', headers('webhook_callback_verification', 'm-1', body), body);
		assert.equal(res.status, 200);
		assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
		assert.equal(await res.text(), challenge);
		assert.equal(
			(await post('twitch-1', headers('webhook_callback_verification', 'm-1', body, 'wrong'), body))
				.status,
			403,
		);
		assert.equal(await stored('twitch-1'), 0);
		const event = JSON.stringify({
			subscription: { type: 'channel.follow' },
			event: { user_id: '1' },
		});
		assert.equal(
			(await post('twitch-1', headers('notification', 'm-2', event), event)).status,
			202,
		);
		const again = await post('twitch-1', headers('notification', 'm-2', event), event);
		assert.equal(again.status, 200);
		assert.equal(((await again.json()) as { status: string }).status, 'duplicate');
	});

	test('discord: a signed PING gets {"type":1}; an unsigned or wrongly signed one 403; nothing stored', async () => {
		const { publicKey, privateKey } = generateKeyPairSync('ed25519');
		const publicHex = publicKey
			.export({ format: 'der', type: 'spki' })
			.subarray(-32)
			.toString('hex');
		await create('discord-1', { type: 'hmac', preset: 'discord' }, publicHex);
		const body = JSON.stringify({ type: 1, id: '123', application_id: '456', version: 1 });
		const ts = String(Math.floor(Date.now() / 1000));
		const signature = signWith(null, Buffer.from(ts + body), privateKey).toString('hex');
		const res = await post(
			'discord-1',
			{ 'x-signature-ed25519': signature, 'x-signature-timestamp': ts },
			body,
		);
		assert.equal(res.status, 200);
		assert.deepEqual(await res.json(), { type: 1 });
		const other = signWith(
			null,
			Buffer.from(ts + body),
			generateKeyPairSync('ed25519').privateKey,
		).toString('hex');
		assert.equal(
			(await post('discord-1', { 'x-signature-ed25519': other, 'x-signature-timestamp': ts }, body))
				.status,
			403,
		);
		assert.equal((await post('discord-1', {}, body)).status, 403);
		assert.equal(await stored('discord-1'), 0);
	});

	test('dropbox: GET ?challenge= is echoed as text/plain with nosniff, without storing; POSTs need the signature', async () => {
		const secret = 'dropbox-app-secret';
		await create('dropbox-1', { type: 'hmac', preset: 'dropbox' }, secret, {
			methods: ['GET', 'POST'],
		});
		const res = await gw.request('/hooks/dropbox-1?challenge=abc123XYZ');
		assert.equal(res.status, 200);
		assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
		assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
		assert.equal(await res.text(), 'abc123XYZ');
		const body = '{"list_folder":{"accounts":["dbid:1"]}}';
		assert.equal(
			(await post('dropbox-1', { 'x-dropbox-signature': hex(secret, body) }, body)).status,
			202,
		);
		assert.equal(
			(await post('dropbox-1', { 'x-dropbox-signature': hex('wrong', body) }, body)).status,
			403,
		);
		assert.equal(await stored('dropbox-1'), 1);
	});

	test('meta: the hub.challenge GET is answered when the verify token matches, refused otherwise', async () => {
		const secret = 'meta-app-secret';
		await create('meta-1', { type: 'hmac', preset: 'meta' }, secret, {
			methods: ['GET', 'POST'],
			handshake: { mode: 'none', verifyToken: 'my-verify-token' },
		});
		const ok = await gw.request(
			'/hooks/meta-1?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=my-verify-token',
		);
		assert.equal(ok.status, 200);
		assert.equal(await ok.text(), '1158201444');
		assert.equal(
			(await gw.request('/hooks/meta-1?hub.mode=subscribe&hub.challenge=1&hub.verify_token=nope'))
				.status,
			403,
		);
		const body = '{"object":"whatsapp_business_account","entry":[]}';
		assert.equal(
			(await post('meta-1', { 'x-hub-signature-256': `sha256=${hex(secret, body)}` }, body)).status,
			202,
		);
		assert.equal(await stored('meta-1'), 1);
	});

	test('slack preset answers url_verification without the handshake setting', async () => {
		const secret = 'slack-signing-secret';
		await create('slack-1', { type: 'hmac', preset: 'slack' }, secret);
		const body = JSON.stringify({ token: 'x', challenge: 'c-1', type: 'url_verification' });
		const ts = String(Math.floor(Date.now() / 1000));
		const res = await post(
			'slack-1',
			{
				'x-slack-request-timestamp': ts,
				'x-slack-signature': `v0=${hex(secret, `v0:${ts}:`, body)}`,
			},
			body,
		);
		assert.deepEqual([res.status, await res.json()], [200, { challenge: 'c-1' }]);
		assert.equal(await stored('slack-1'), 0);
	});

	test('twilio: the form POST is verified against the public URL seen through a proxy (x-forwarded-host/proto)', async () => {
		const token = 'twilio-auth-token-0123';
		await create('twilio-1', { type: 'hmac', preset: 'twilio' }, token);
		const params = { MessageSid: 'SM1', From: '+15005550006', Body: 'Hello', To: '+15005550001' };
		const publicUrl = 'https://hooks.example.com/hooks/twilio-1?src=sms';
		const signedString =
			publicUrl +
			Object.keys(params)
				.sort()
				.map((k) => k + params[k as keyof typeof params])
				.join('');
		const signature = createHmac('sha1', token).update(signedString).digest('base64');
		const form = new URLSearchParams(params).toString();
		const headers = {
			'content-type': 'application/x-www-form-urlencoded',
			'x-forwarded-host': 'hooks.example.com',
			'x-forwarded-proto': 'https',
			'i-twilio-idempotency-token': 'idem-1',
		};
		const send = (sig: string) =>
			gw.request('/hooks/twilio-1?src=sms', {
				method: 'POST',
				body: form,
				headers: { ...headers, 'x-twilio-signature': sig },
			});
		assert.equal((await send(signature)).status, 202);
		assert.equal(
			(await send(createHmac('sha1', 'wrong').update(signedString).digest('base64'))).status,
			403,
		);
		assert.equal(
			((await (await send(signature)).json()) as { status: string }).status,
			'duplicate',
			'I-Twilio-Idempotency-Token dedupes',
		);
	});

	test('square: body + notification URL as configured in Square', async () => {
		const key = 'square-signature-key';
		await create('square-1', { type: 'hmac', preset: 'square' }, key);
		const body = JSON.stringify({
			merchant_id: 'M1',
			type: 'payment.created',
			event_id: 'ev-1',
			data: {},
		});
		const signature = createHmac('sha256', key)
			.update('https://pay.example.org/hooks/square-1' + body)
			.digest('base64');
		const headers = {
			'x-forwarded-host': 'pay.example.org',
			'x-forwarded-proto': 'https',
			'x-square-hmacsha256-signature': signature,
		};
		assert.equal((await post('square-1', headers, body)).status, 202);
		assert.equal(
			((await (await post('square-1', headers, body)).json()) as { status: string }).status,
			'duplicate',
			'event_id dedupes',
		);
		assert.equal(
			(await post('square-1', { ...headers, 'x-forwarded-host': 'evil.example' }, body)).status,
			403,
		);
	});
});
