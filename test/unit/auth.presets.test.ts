/**
 * Catalog presets whose scheme is more than an HMAC of the body: URL-signed (Twilio, Square,
 * HubSpot), timestamped (Zoom, Paddle, Calendly, Twitch, Mailgun), public-key (Discord,
 * SendGrid) and Svix senders (Clerk, Resend). Published vectors are used where the provider or its
 * official SDK publishes one (named per test); otherwise the test signs independently, exactly
 * as the cited documentation describes.
 */
import assert from 'node:assert/strict';
import { createHash, createHmac, generateKeyPairSync, sign as signWith } from 'node:crypto';
import { describe, test } from 'node:test';
import { validateAuth, verifyRequest, type AuthRequest, type AuthResult } from '../../src/auth';
import type { EndpointAuth } from '../../src/types';
import { NOW_MS, NOW_S, endpoint } from './authFixtures';

const preset = (id: string, extra: Record<string, unknown> = {}): EndpointAuth =>
	validateAuth({ type: 'hmac', preset: id, ...extra });

function req(
	headers: AuthRequest['headers'],
	body: string | Buffer,
	url?: string,
	method = 'POST',
): AuthRequest {
	return {
		method,
		headers,
		rawBody: Buffer.isBuffer(body) ? body : Buffer.from(body),
		sourceIp: '203.0.113.5',
		url,
	};
}

function hmac(algorithm: string, key: string | Buffer, ...parts: Array<string | Buffer>): Buffer {
	const mac = createHmac(algorithm, key);
	for (const part of parts) mac.update(part);
	return mac.digest();
}

function failed(result: AuthResult, reason: string): void {
	assert.deepEqual(result, { ok: false, reason });
}

describe('twilio preset', () => {
	// Vector of twilio-node's spec/validation.spec.js (github.com/twilio/twilio-node), the algorithm of
	// https://www.twilio.com/docs/usage/security#validating-requests: URL + sorted params, HMAC-SHA1, base64.
	const token = '12345';
	const params = {
		CallSid: 'CA1234567890ABCDE',
		Caller: '+14158675309',
		Digits: '1234',
		From: '+14158675309',
		To: '+18005551212',
	};
	const form = new URLSearchParams(params).toString();
	const ep = endpoint(preset('twilio'), [token]);
	const host = { host: 'mycompany.com' };

	test("accepts twilio-node's published form-parameter vector", () => {
		const headers = { ...host, 'x-twilio-signature': 'RSOYDt4T1cUTdK1PDd93/VVr8B8=' };
		assert.deepEqual(verifyRequest(ep, req(headers, form, '/myapp.php?foo=1&bar=2'), NOW_MS), {
			ok: true,
		});
	});

	test("accepts twilio-node's published JSON-body vector (bodySHA256 in the URL)", () => {
		const body = '{"property": "value", "boolean": true}';
		const url =
			'/myapp.php?foo=1&bar=2&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620';
		const headers = { ...host, 'x-twilio-signature': 'a9nBmqA0ju/hNViExpshrM61xv4=' };
		assert.deepEqual(verifyRequest(ep, req(headers, body, url), NOW_MS), { ok: true });
		failed(verifyRequest(ep, req(headers, `${body} `, url), NOW_MS), 'invalid_signature');
	});

	test('a proxy-forwarded host and proto, and an explicit :443, still verify', () => {
		const signature = hmac(
			'sha1',
			token,
			'https://hooks.example.com/hooks/tw',
			'Body',
			'hi',
			'From',
			'+1',
		).toString('base64');
		const forwarded = {
			host: 'gateway:5680',
			'x-forwarded-host': 'hooks.example.com',
			'x-forwarded-proto': 'https',
			'x-twilio-signature': signature,
		};
		assert.deepEqual(verifyRequest(ep, req(forwarded, 'From=%2B1&Body=hi', '/hooks/tw'), NOW_MS), {
			ok: true,
		});
		const withPort = hmac('sha1', token, 'https://hooks.example.com:443/hooks/tw').toString(
			'base64',
		);
		assert.deepEqual(
			verifyRequest(
				ep,
				req({ host: 'hooks.example.com', 'x-twilio-signature': withPort }, '', '/hooks/tw'),
				NOW_MS,
			),
			{ ok: true },
		);
	});

	test('rejects a changed parameter, another URL, a wrong token, a missing header', () => {
		const headers = { ...host, 'x-twilio-signature': 'RSOYDt4T1cUTdK1PDd93/VVr8B8=' };
		failed(
			verifyRequest(
				ep,
				req(headers, form.replace('1234', '1235'), '/myapp.php?foo=1&bar=2'),
				NOW_MS,
			),
			'invalid_signature',
		);
		failed(
			verifyRequest(ep, req(headers, form, '/myapp.php?foo=1&bar=3'), NOW_MS),
			'invalid_signature',
		);
		failed(
			verifyRequest(
				endpoint(preset('twilio'), ['54321']),
				req(headers, form, '/myapp.php?foo=1&bar=2'),
				NOW_MS,
			),
			'invalid_signature',
		);
		failed(
			verifyRequest(ep, req(host, form, '/myapp.php?foo=1&bar=2'), NOW_MS),
			'missing_signature',
		);
		failed(
			verifyRequest(ep, req({ 'x-twilio-signature': 'x' }, form, '/myapp.php'), NOW_MS),
			'missing_url',
		);
	});
});

describe('square preset', () => {
	// Vector of square-nodejs-sdk tests/integration/webhooks.test.ts (github.com/square/square-nodejs-sdk);
	// https://developer.squareup.com/docs/webhooks/step3validate: HMAC-SHA256(notification URL + body), base64.
	const body =
		'{"merchant_id":"MLEFBHHSJGVHD","type":"webhooks.test_notification","event_id":"ac3ac95b-f97d-458c-a6e6-18981597e05f","created_at":"2022-07-13T20:30:59.037339943Z","data":{"type":"webhooks","id":"bc368e64-01aa-407e-b46e-3231809b1129"}}';
	const headers = {
		host: 'webhook.site',
		'x-square-hmacsha256-signature': 'GF4YkrJgGBDZ9NIYbNXBnMzqb2HoL4RW/S6vkZ9/2N4=',
	};
	const url = '/679a4f3a-dcfa-49ee-bac5-9d0edad886b9';

	test("accepts the SDK's published vector; another URL or key fails", () => {
		assert.deepEqual(
			verifyRequest(
				endpoint(preset('square'), ['Ibxx_5AKakO-3qeNVR61Dw']),
				req(headers, body, url),
				NOW_MS,
			),
			{ ok: true },
		);
		failed(
			verifyRequest(
				endpoint(preset('square'), ['Ibxx_5AKakO-3qeNVR61Dw']),
				req(headers, body, '/79a4f3a-dcfa-49ee-bac5-9d0edad886b9'),
				NOW_MS,
			),
			'invalid_signature',
		);
		failed(
			verifyRequest(
				endpoint(preset('square'), ['MCmhFRxGX82xMwg5FsaoQA']),
				req(headers, body, url),
				NOW_MS,
			),
			'invalid_signature',
		);
	});

	test("accepts the SDK's vector with escaped characters in the body", () => {
		const sig = {
			host: 'webhook.site',
			'x-square-hmacsha256-signature': 'Cxt7+aTi4rKgcA0bC4g9EHdVtLSDWdqccmL5MvihU4U=',
		};
		assert.deepEqual(
			verifyRequest(
				endpoint(preset('square'), ['signature-key']),
				req(sig, '{"data":{"type":"webhooks","id":">id<"}}', '/webhooks'),
				NOW_MS,
			),
			{ ok: true },
		);
	});

	test('duplicates by the body event_id', () => {
		assert.deepEqual(validateAuth({ type: 'hmac', preset: 'square' }), {
			type: 'hmac',
			preset: 'square',
		});
	});
});

describe('hubspot preset (v3)', () => {
	// No published vector. https://developers.hubspot.com/docs/api/webhooks/validating-requests:
	// base64 HMAC-SHA256(client secret, method + URI + body + timestamp), timestamp in ms, 5 minutes.
	const secret = 'hubspot-client-secret';
	const body = '[{"eventId":1,"subscriptionType":"contact.creation","objectId":123}]';
	const ep = endpoint(preset('hubspot'), [secret]);
	const sign = (uri: string, ts: number, b = body) =>
		hmac('sha256', secret, 'POST', uri, b, String(ts)).toString('base64');
	const headers = (ts: number, signature: string) => ({
		host: 'hooks.example.com',
		'x-forwarded-proto': 'https',
		'x-hubspot-request-timestamp': String(ts),
		'x-hubspot-signature-v3': signature,
	});

	test('accepts a request signed over method, decoded URI, body and the ms timestamp', () => {
		const ts = NOW_MS - 1000;
		const signature = sign('https://hooks.example.com/hooks/hs?portal=1&at=a:b', ts);
		assert.deepEqual(
			verifyRequest(ep, req(headers(ts, signature), body, '/hooks/hs?portal=1&at=a%3Ab'), NOW_MS),
			{ ok: true },
		);
	});

	test('rejects a timestamp older than 5 minutes, a tampered body, a missing timestamp', () => {
		const old = NOW_MS - 301_000;
		failed(
			verifyRequest(
				ep,
				req(headers(old, sign('https://hooks.example.com/hooks/hs', old)), body, '/hooks/hs'),
				NOW_MS,
			),
			'stale_timestamp',
		);
		const ts = NOW_MS;
		failed(
			verifyRequest(
				ep,
				req(headers(ts, sign('https://hooks.example.com/hooks/hs', ts)), `${body} `, '/hooks/hs'),
				NOW_MS,
			),
			'invalid_signature',
		);
		failed(
			verifyRequest(ep, req({ 'x-hubspot-signature-v3': 'abc=' }, body, '/hooks/hs'), NOW_MS),
			'missing_timestamp',
		);
	});
});

describe('zoom preset', () => {
	// No published vector. https://developers.zoom.us/docs/api/webhooks/#verify-webhook-events:
	// x-zm-signature = "v0=" + hex HMAC-SHA256(secret token, "v0:" + x-zm-request-timestamp + ":" + body).
	const secret = 'zoom-secret-token';
	const body = '{"event":"meeting.started","payload":{"object":{"id":"1"}},"event_ts":1}';
	const ep = endpoint(preset('zoom'), [secret]);
	const headers = (ts: number, b = body, key = secret) => ({
		'x-zm-request-timestamp': String(ts),
		'x-zm-signature': `v0=${hmac('sha256', key, `v0:${ts}:${b}`).toString('hex')}`,
	});

	test('accepts a signed event, rejects tampering, another secret, a stale timestamp', () => {
		assert.deepEqual(verifyRequest(ep, req(headers(NOW_S), body), NOW_MS), { ok: true });
		failed(verifyRequest(ep, req(headers(NOW_S), `${body} `), NOW_MS), 'invalid_signature');
		failed(
			verifyRequest(ep, req(headers(NOW_S, body, 'other'), body), NOW_MS),
			'invalid_signature',
		);
		failed(verifyRequest(ep, req(headers(NOW_S - 301), body), NOW_MS), 'stale_timestamp');
		failed(verifyRequest(ep, req({}, body), NOW_MS), 'missing_signature');
	});
});

describe('paddle preset', () => {
	// Vectors of paddle-node-sdk src/__tests__/notifications/webhooks-validator.node.test.ts
	// (github.com/PaddleHQ/paddle-node-sdk); https://developer.paddle.com/webhooks/signature-verification.
	const ep = endpoint(preset('paddle'), ['VALID_SECRET']);
	const at = 1698796800_000;

	test("accepts the SDK's published vectors (one h1, several h1 and an unknown h2)", () => {
		const one = {
			'paddle-signature':
				'ts=1698796800;h1=a300428748dce5c70e4da19bffd60769591ea969c99dea3105d0ec9612cf43f9',
		};
		assert.deepEqual(verifyRequest(ep, req(one, '{"data": ["1", "2"]}'), at), { ok: true });
		const many = {
			'paddle-signature':
				'ts=1698796800;h1=28981e941fae76e53db32f3d2a83cb69db41476595e84e1970a1b5d98f62b261;h1=28981e941fae76e53db32f3d2a83cb69db41476595e84e1970a1b5d98f62b261;h2=RANDOM_HASH',
		};
		assert.deepEqual(verifyRequest(ep, req(many, '{"data": "value"}'), at), { ok: true });
	});

	test("rejects the SDK's negative vectors: other secret, changed spacing, stale ts, no h1", () => {
		const one = {
			'paddle-signature':
				'ts=1698796800;h1=a300428748dce5c70e4da19bffd60769591ea969c99dea3105d0ec9612cf43f9',
		};
		failed(
			verifyRequest(
				endpoint(preset('paddle'), ['INVALID_VALID_SECRET']),
				req(one, '{"data": ["1", "2"]}'),
				at,
			),
			'invalid_signature',
		);
		failed(verifyRequest(ep, req(one, '{ "data": [ "1", "2" ]}'), at), 'invalid_signature');
		failed(verifyRequest(ep, req(one, '{"data": ["1", "2"]}'), at + 301_000), 'stale_timestamp');
		failed(
			verifyRequest(ep, req({ 'paddle-signature': 'ts=1698796800;h2=x' }, '{}'), at),
			'missing_signature',
		);
		failed(
			verifyRequest(ep, req({ 'paddle-signature': 'h1=abcd' }, '{}'), at),
			'missing_timestamp',
		);
	});
});

describe('calendly preset', () => {
	// No published vector. https://developer.calendly.com/api-docs/4c305798a61d3-webhook-signatures:
	// Calendly-Webhook-Signature: t=<ts>,v1=<hex HMAC-SHA256(signing key, t + "." + body)>.
	const key = 'calendly-signing-key';
	const body = '{"event":"invitee.created","payload":{}}';
	const ep = endpoint(preset('calendly'), [key]);
	const header = (t: number, b = body) => ({
		'calendly-webhook-signature': `t=${t},v1=${hmac('sha256', key, `${t}.${b}`).toString('hex')}`,
	});

	test('accepts a signed request; rejects tampering and a stale t', () => {
		assert.deepEqual(verifyRequest(ep, req(header(NOW_S), body), NOW_MS), { ok: true });
		failed(verifyRequest(ep, req(header(NOW_S, '{}'), body), NOW_MS), 'invalid_signature');
		failed(verifyRequest(ep, req(header(NOW_S - 400), body), NOW_MS), 'stale_timestamp');
	});
});

describe('twitch preset', () => {
	// No published vector. https://dev.twitch.tv/docs/eventsub/handling-webhook-events/#verifying-the-event-message:
	// sha256= hex HMAC-SHA256(secret, message id + timestamp + body); reject messages older than 10 minutes.
	const secret = 'twitch-transport-secret';
	const body = '{"subscription":{"type":"channel.follow"},"event":{"user_id":"1"}}';
	const ep = endpoint(preset('twitch'), [secret]);
	const headers = (at: string, id = 'e76c6bd4-55c9-4987-8304-da1588d8988b') => ({
		'twitch-eventsub-message-id': id,
		'twitch-eventsub-message-timestamp': at,
		'twitch-eventsub-message-signature': `sha256=${hmac('sha256', secret, id + at + body).toString('hex')}`,
	});

	test('accepts an RFC 3339 timestamp with nanoseconds; the default tolerance is 10 minutes', () => {
		assert.deepEqual(preset('twitch'), { type: 'hmac', preset: 'twitch', toleranceSeconds: 600 });
		const at = '2025-01-15T11:55:00.123456789Z';
		assert.deepEqual(verifyRequest(ep, req(headers(at), body), NOW_MS), { ok: true });
		failed(
			verifyRequest(ep, req(headers('2025-01-15T11:49:59.000Z'), body), NOW_MS),
			'stale_timestamp',
		);
		failed(verifyRequest(ep, req(headers('1736942100'), body), NOW_MS), 'invalid_timestamp');
	});

	test('the message id is signed', () => {
		const signed = headers('2025-01-15T12:00:00Z');
		failed(
			verifyRequest(ep, req({ ...signed, 'twitch-eventsub-message-id': 'other' }, body), NOW_MS),
			'invalid_signature',
		);
	});
});

describe('mailgun preset', () => {
	// No published vector. https://documentation.mailgun.com/docs/mailgun/user-manual/events/webhooks/#securing-webhooks:
	// signature = hex HMAC-SHA256(webhook signing key, timestamp + token), all three in the body's `signature` object.
	const key = 'key-mailgun-signing';
	const ep = endpoint(preset('mailgun'), [key]);
	const token = '50-character-random-token-abcdefghijklmnopqrstuvwx';
	const json = (ts: number, k = key) =>
		JSON.stringify({
			signature: {
				timestamp: String(ts),
				token,
				signature: hmac('sha256', k, `${ts}${token}`).toString('hex'),
			},
			'event-data': { id: 'ev-1', event: 'delivered' },
		});

	test('accepts a JSON webhook and a form-encoded one; rejects another key and a stale timestamp', () => {
		assert.deepEqual(verifyRequest(ep, req({}, json(NOW_S)), NOW_MS), { ok: true });
		const form = new URLSearchParams({
			timestamp: String(NOW_S),
			token,
			signature: hmac('sha256', key, `${NOW_S}${token}`).toString('hex'),
			event: 'opened',
		}).toString();
		assert.deepEqual(verifyRequest(ep, req({}, form), NOW_MS), { ok: true });
		failed(verifyRequest(ep, req({}, json(NOW_S, 'other')), NOW_MS), 'invalid_signature');
		failed(verifyRequest(ep, req({}, json(NOW_S - 301)), NOW_MS), 'stale_timestamp');
		failed(verifyRequest(ep, req({}, '{"event-data":{}}'), NOW_MS), 'missing_signature');
	});
});

describe('discord preset', () => {
	// No published vector (Discord signs with its private key). https://discord.com/developers/docs/interactions/overview#setting-up-an-endpoint-validating-security-request-headers:
	// Ed25519 over X-Signature-Timestamp + body, the application's public key in hex.
	const { publicKey, privateKey } = generateKeyPairSync('ed25519');
	const publicHex = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');
	const body = '{"type":1,"id":"1","application_id":"2"}';
	const ep = endpoint(preset('discord'), [publicHex]);
	const headers = (ts: number, b = body) => ({
		'x-signature-timestamp': String(ts),
		'x-signature-ed25519': signWith(null, Buffer.from(`${ts}${b}`), privateKey).toString('hex'),
	});

	test('accepts a signature made with the matching private key; rejects tampering and another key', () => {
		assert.deepEqual(verifyRequest(ep, req(headers(NOW_S), body), NOW_MS), { ok: true });
		failed(verifyRequest(ep, req(headers(NOW_S), '{"type":2}'), NOW_MS), 'invalid_signature');
		const other = generateKeyPairSync('ed25519')
			.publicKey.export({ format: 'der', type: 'spki' })
			.subarray(-32)
			.toString('hex');
		failed(
			verifyRequest(endpoint(preset('discord'), [other]), req(headers(NOW_S), body), NOW_MS),
			'invalid_signature',
		);
		failed(
			verifyRequest(endpoint(preset('discord'), ['not-a-key']), req(headers(NOW_S), body), NOW_MS),
			'invalid_public_key',
		);
		failed(verifyRequest(ep, req(headers(NOW_S - 301), body), NOW_MS), 'stale_timestamp');
	});
});

describe('sendgrid preset', () => {
	// Vector of sendgrid-nodejs packages/eventwebhook/src/eventwebhook.spec.js (github.com/sendgrid/sendgrid-nodejs);
	// https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/getting-started-event-webhook-security-features.
	const PUBLIC_KEY =
		'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4mdBgQ/7dAfSmpqIM8kF9mN1flpVKS3GRqe62gw+2fNNRaINXvVpiglSI8eNEc6wEA3F+g==';
	const SIGNATURE =
		'MEUCIGHQVtGj+Y3LkG9fLcxf3qfI10QysgDWmMOVmxG0u6ZUAiEAyBiXDWzM+uOe5W0JuG+luQAbPIqHh89M15TluLtEZtM=';
	const TIMESTAMP = '1600112502';
	const PAYLOAD =
		JSON.stringify([
			{
				email: 'hello@world.com',
				event: 'dropped',
				reason: 'Bounced Address',
				sg_event_id: 'ZHJvcC0xMDk5NDkxOS1MUnpYbF9OSFN0T0doUTRrb2ZTbV9BLTA',
				sg_message_id: 'LRzXl_NHStOGhQ4kofSm_A.filterdrecv-p3mdw1-756b745b58-kmzbl-18-5F5FC76C-9.0',
				'smtp-id': '<LRzXl_NHStOGhQ4kofSm_A@ismtpd0039p1iad1.sendgrid.net>',
				timestamp: 1600112492,
			},
		]) + '\r\n';
	const headers = {
		'x-twilio-email-event-webhook-signature': SIGNATURE,
		'x-twilio-email-event-webhook-timestamp': TIMESTAMP,
	};
	const at = Number(TIMESTAMP) * 1000;

	test("accepts the SDK's published vector; a changed payload or timestamp fails", () => {
		const ep = endpoint(preset('sendgrid'), [PUBLIC_KEY]);
		assert.deepEqual(verifyRequest(ep, req(headers, PAYLOAD), at), { ok: true });
		failed(verifyRequest(ep, req(headers, PAYLOAD.trimEnd()), at), 'invalid_signature');
		failed(
			verifyRequest(
				ep,
				req({ ...headers, 'x-twilio-email-event-webhook-timestamp': '1600112503' }, PAYLOAD),
				at,
			),
			'invalid_signature',
		);
		failed(verifyRequest(ep, req(headers, PAYLOAD), at + 301_000), 'stale_timestamp');
	});

	test('the key may also be given as PEM; a rotated-in second key works', () => {
		const pem = `-----BEGIN PUBLIC KEY-----\n${PUBLIC_KEY}\n-----END PUBLIC KEY-----\n`;
		assert.deepEqual(
			verifyRequest(endpoint(preset('sendgrid'), [pem]), req(headers, PAYLOAD), at),
			{ ok: true },
		);
		const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
		const other = publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
		assert.deepEqual(
			verifyRequest(endpoint(preset('sendgrid'), [other, PUBLIC_KEY]), req(headers, PAYLOAD), at),
			{ ok: true },
		);
	});
});

describe('clerk and resend presets (Svix)', () => {
	// The example of https://docs.svix.com/receiving/verifying-payloads/how-manual (also the
	// Standard Webhooks specification's vector), sent with svix-* headers as Clerk and Resend do.
	const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
	const headers = {
		'svix-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
		'svix-timestamp': '1614265330',
		'svix-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
	};
	for (const id of ['clerk', 'resend']) {
		test(`${id}: accepts the published vector, rejects a changed id and webhook-* headers`, () => {
			const ep = endpoint(preset(id), [SECRET]);
			assert.deepEqual(verifyRequest(ep, req(headers, '{"test": 2432232314}'), 1614265330_000), {
				ok: true,
			});
			failed(
				verifyRequest(
					ep,
					req({ ...headers, 'svix-id': 'msg_other' }, '{"test": 2432232314}'),
					1614265330_000,
				),
				'invalid_signature',
			);
			const webhookNames = {
				'webhook-id': headers['svix-id'],
				'webhook-timestamp': headers['svix-timestamp'],
				'webhook-signature': headers['svix-signature'],
			};
			failed(
				verifyRequest(ep, req(webhookNames, '{"test": 2432232314}'), 1614265330_000),
				'missing_signature',
			);
		});
	}
});

test('twilio JSON bodies: bodySHA256 must be the SHA-256 of the body', () => {
	const body = '{"a":1}';
	const hash = createHash('sha256').update(body).digest('hex');
	const url = `/hooks/tw?bodySHA256=${hash}`;
	const signature = hmac('sha1', 't0ken', `https://h.example${url}`).toString('base64');
	const ep = endpoint(preset('twilio'), ['t0ken']);
	assert.deepEqual(
		verifyRequest(
			ep,
			req({ host: 'h.example', 'x-twilio-signature': signature }, body, url),
			NOW_MS,
		),
		{ ok: true },
	);
	failed(
		verifyRequest(
			ep,
			req({ host: 'h.example', 'x-twilio-signature': signature }, '{"a":2}', url),
			NOW_MS,
		),
		'invalid_signature',
	);
});
