/**
 * HMAC presets: each request is signed here independently, as the provider documents it, and
 * published test vectors are checked where the provider gives one.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import { verifyRequest, type AuthResult } from '../../src/auth';
import type { EndpointAuth } from '../../src/types';
import { NOW_MS, NOW_S, endpoint, request } from './authFixtures';

const SECRET = 's3cr3t';
const BODY = '{"id":"evt_1","amount":42}';

function hmac(algorithm: string, key: string | Buffer, data: string): Buffer {
	return createHmac(algorithm, key).update(data).digest();
}

function failed(result: AuthResult, reason: string): void {
	assert.deepEqual(result, { ok: false, reason });
}

describe('github preset', () => {
	const auth: EndpointAuth = { type: 'hmac', preset: 'github' };
	const sign = (body: string, key = SECRET) =>
		`sha256=${hmac('sha256', key, body).toString('hex')}`;

	test('accepts the example from GitHub docs', () => {
		const ep = endpoint(auth, ["It's a Secret to Everybody"]);
		const headers = {
			'x-hub-signature-256':
				'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
		};
		assert.deepEqual(verifyRequest(ep, request(headers, 'Hello, World!'), NOW_MS), { ok: true });
	});

	test('accepts a valid signature, also among repeated headers', () => {
		const ep = endpoint(auth);
		assert.equal(
			verifyRequest(ep, request({ 'x-hub-signature-256': sign(BODY) }, BODY), NOW_MS).ok,
			true,
		);
		const repeated = { 'x-hub-signature-256': [sign('other'), sign(BODY)] };
		assert.equal(verifyRequest(ep, request(repeated, BODY), NOW_MS).ok, true);
		const joined = { 'x-hub-signature-256': `${sign('other')}, ${sign(BODY)}` };
		assert.equal(verifyRequest(ep, request(joined, BODY), NOW_MS).ok, true);
	});

	test('rejects a tampered body, a wrong secret, a missing or garbled header', () => {
		const ep = endpoint(auth);
		failed(
			verifyRequest(ep, request({ 'x-hub-signature-256': sign(BODY) }, `${BODY} `), NOW_MS),
			'invalid_signature',
		);
		failed(
			verifyRequest(ep, request({ 'x-hub-signature-256': sign(BODY, 'wrong') }, BODY), NOW_MS),
			'invalid_signature',
		);
		failed(verifyRequest(ep, request({}, BODY), NOW_MS), 'missing_signature');
		for (const garbled of [
			'sha256=',
			'sha256=zz',
			'nonsense',
			sign(BODY).slice(0, -2),
			`sha1=${sign(BODY).slice(7)}`,
		]) {
			failed(
				verifyRequest(ep, request({ 'x-hub-signature-256': garbled }, BODY), NOW_MS),
				'invalid_signature',
			);
		}
	});

	test('does not accept the legacy sha1 header alone', () => {
		const legacy = `sha1=${hmac('sha1', SECRET, BODY).toString('hex')}`;
		failed(
			verifyRequest(endpoint(auth), request({ 'x-hub-signature': legacy }, BODY), NOW_MS),
			'missing_signature',
		);
	});

	test('verifies binary bodies byte for byte', () => {
		const body = Buffer.from([0xff, 0x00, 0xc3, 0x28, 0x0a]);
		const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
		const ep = endpoint(auth);
		assert.equal(
			verifyRequest(ep, request({ 'x-hub-signature-256': signature }, body), NOW_MS).ok,
			true,
		);
	});
});

describe('stripe preset', () => {
	const auth: EndpointAuth = { type: 'hmac', preset: 'stripe', toleranceSeconds: 300 };
	const STRIPE_SECRET = 'whsec_test_5eCr3t';
	const v1 = (t: number, body: string, key = STRIPE_SECRET) =>
		hmac('sha256', key, `${t}.${body}`).toString('hex');
	const header = (t: number, body = BODY, key = STRIPE_SECRET) => ({
		'stripe-signature': `t=${t},v1=${v1(t, body, key)}`,
	});
	const ep = endpoint(auth, [STRIPE_SECRET]);

	test('accepts a valid signature', () => {
		assert.deepEqual(verifyRequest(ep, request(header(NOW_S), BODY), NOW_MS), { ok: true });
	});

	test('accepts any of several v1 entries, ignoring v0', () => {
		const value = `t=${NOW_S},v1=${v1(NOW_S, 'x')},v1=${v1(NOW_S, BODY)},v0=${v1(NOW_S, BODY, 'v0key')}`;
		assert.equal(verifyRequest(ep, request({ 'stripe-signature': value }, BODY), NOW_MS).ok, true);
	});

	test('rejects a tampered body and a wrong secret', () => {
		failed(
			verifyRequest(ep, request(header(NOW_S), '{"id":"evt_2"}'), NOW_MS),
			'invalid_signature',
		);
		failed(
			verifyRequest(ep, request(header(NOW_S, BODY, 'whsec_wrong'), BODY), NOW_MS),
			'invalid_signature',
		);
	});

	test('rejects stale and future timestamps outside the tolerance, accepts the edge', () => {
		assert.equal(verifyRequest(ep, request(header(NOW_S - 300), BODY), NOW_MS).ok, true);
		assert.equal(verifyRequest(ep, request(header(NOW_S + 300), BODY), NOW_MS).ok, true);
		failed(verifyRequest(ep, request(header(NOW_S - 301), BODY), NOW_MS), 'stale_timestamp');
		failed(verifyRequest(ep, request(header(NOW_S + 301), BODY), NOW_MS), 'stale_timestamp');
	});

	test('honours a configured tolerance', () => {
		const wide = endpoint({ ...auth, toleranceSeconds: 600 }, [STRIPE_SECRET]);
		assert.equal(verifyRequest(wide, request(header(NOW_S - 500), BODY), NOW_MS).ok, true);
		failed(verifyRequest(wide, request(header(NOW_S - 601), BODY), NOW_MS), 'stale_timestamp');
	});

	test('rejects a missing or garbled header', () => {
		failed(verifyRequest(ep, request({}, BODY), NOW_MS), 'missing_signature');
		failed(
			verifyRequest(ep, request({ 'stripe-signature': `v1=${v1(NOW_S, BODY)}` }, BODY), NOW_MS),
			'missing_timestamp',
		);
		failed(
			verifyRequest(ep, request({ 'stripe-signature': `t=${NOW_S}` }, BODY), NOW_MS),
			'invalid_signature',
		);
		failed(
			verifyRequest(
				ep,
				request({ 'stripe-signature': `t=soon,v1=${v1(NOW_S, BODY)}` }, BODY),
				NOW_MS,
			),
			'invalid_timestamp',
		);
		failed(
			verifyRequest(ep, request({ 'stripe-signature': 'garbage' }, BODY), NOW_MS),
			'missing_timestamp',
		);
		failed(
			verifyRequest(ep, request({ 'stripe-signature': `t=${NOW_S},v1=xyz` }, BODY), NOW_MS),
			'invalid_signature',
		);
	});
});

describe('shopify preset', () => {
	const auth: EndpointAuth = { type: 'hmac', preset: 'shopify' };
	const sign = (body: string, key = SECRET) => ({
		'x-shopify-hmac-sha256': hmac('sha256', key, body).toString('base64'),
	});
	const ep = endpoint(auth);

	test('accepts a valid base64 signature', () => {
		assert.deepEqual(verifyRequest(ep, request(sign(BODY), BODY), NOW_MS), { ok: true });
	});

	test('rejects a tampered body, a wrong secret, a hex signature and a missing header', () => {
		failed(verifyRequest(ep, request(sign(BODY), `${BODY}\n`), NOW_MS), 'invalid_signature');
		failed(verifyRequest(ep, request(sign(BODY, 'wrong'), BODY), NOW_MS), 'invalid_signature');
		const hex = { 'x-shopify-hmac-sha256': hmac('sha256', SECRET, BODY).toString('hex') };
		failed(verifyRequest(ep, request(hex, BODY), NOW_MS), 'invalid_signature');
		failed(
			verifyRequest(ep, request({ 'x-shopify-hmac-sha256': '!!!' }, BODY), NOW_MS),
			'invalid_signature',
		);
		failed(verifyRequest(ep, request({}, BODY), NOW_MS), 'missing_signature');
	});
});

describe('slack preset', () => {
	const auth: EndpointAuth = { type: 'hmac', preset: 'slack', toleranceSeconds: 300 };
	const sign = (ts: number, body: string, key = SECRET) => ({
		'x-slack-signature': `v0=${hmac('sha256', key, `v0:${ts}:${body}`).toString('hex')}`,
		'x-slack-request-timestamp': String(ts),
	});
	const ep = endpoint(auth);

	test('accepts the example from Slack docs', () => {
		const body =
			'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V' +
			'&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=' +
			'&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN' +
			'&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
		const headers = {
			'x-slack-signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
			'x-slack-request-timestamp': '1531420618',
		};
		const docs = endpoint(auth, ['8f742231b10e8888abcd99yyyzzz85a5']);
		assert.deepEqual(verifyRequest(docs, request(headers, body), 1531420618_000 + 30_000), {
			ok: true,
		});
	});

	test('accepts a valid signature', () => {
		assert.deepEqual(verifyRequest(ep, request(sign(NOW_S, BODY), BODY), NOW_MS), { ok: true });
	});

	test('rejects a tampered body, a wrong secret, a moved timestamp', () => {
		failed(
			verifyRequest(ep, request(sign(NOW_S, BODY), 'token=other'), NOW_MS),
			'invalid_signature',
		);
		failed(
			verifyRequest(ep, request(sign(NOW_S, BODY, 'wrong'), BODY), NOW_MS),
			'invalid_signature',
		);
		const moved = { ...sign(NOW_S, BODY), 'x-slack-request-timestamp': String(NOW_S - 1) };
		failed(verifyRequest(ep, request(moved, BODY), NOW_MS), 'invalid_signature');
	});

	test('rejects stale and future timestamps', () => {
		failed(verifyRequest(ep, request(sign(NOW_S - 301, BODY), BODY), NOW_MS), 'stale_timestamp');
		failed(verifyRequest(ep, request(sign(NOW_S + 301, BODY), BODY), NOW_MS), 'stale_timestamp');
		failed(
			verifyRequest(
				ep,
				request({ ...sign(NOW_S, BODY), 'x-slack-request-timestamp': '-5' }, BODY),
				NOW_MS,
			),
			'invalid_timestamp',
		);
	});

	test('rejects missing headers', () => {
		const { 'x-slack-signature': signature, 'x-slack-request-timestamp': ts } = sign(NOW_S, BODY);
		failed(
			verifyRequest(ep, request({ 'x-slack-request-timestamp': ts }, BODY), NOW_MS),
			'missing_signature',
		);
		failed(
			verifyRequest(ep, request({ 'x-slack-signature': signature }, BODY), NOW_MS),
			'missing_timestamp',
		);
	});
});

describe('standardWebhooks preset', () => {
	const auth: EndpointAuth = { type: 'hmac', preset: 'standardWebhooks', toleranceSeconds: 300 };
	// Test vector of the Standard Webhooks specification.
	const SPEC = {
		secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
		id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
		timestamp: 1614265330,
		body: '{"test": 2432232314}',
		signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
	};
	const specHeaders = {
		'webhook-id': SPEC.id,
		'webhook-timestamp': String(SPEC.timestamp),
		'webhook-signature': SPEC.signature,
	};
	const specNow = SPEC.timestamp * 1000;
	const ep = endpoint(auth, [SPEC.secret]);

	const sign = (id: string, ts: number, body: string, secret = SPEC.secret) => {
		const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
		return {
			'webhook-id': id,
			'webhook-timestamp': String(ts),
			'webhook-signature': `v1,${hmac('sha256', key, `${id}.${ts}.${body}`).toString('base64')}`,
		};
	};

	test('accepts the specification test vector', () => {
		assert.deepEqual(verifyRequest(ep, request(specHeaders, SPEC.body), specNow), { ok: true });
	});

	test('accepts a valid signature among several, ignoring other versions', () => {
		const own = sign('msg_1', NOW_S, BODY);
		const list = `v1a,c2lnbmF0dXJl v1,${Buffer.alloc(32).toString('base64')} ${own['webhook-signature']}`;
		assert.equal(
			verifyRequest(ep, request({ ...own, 'webhook-signature': list }, BODY), NOW_MS).ok,
			true,
		);
	});

	test('rejects a tampered body, a wrong secret, a changed id', () => {
		failed(
			verifyRequest(ep, request(specHeaders, '{"test": 2432232315}'), specNow),
			'invalid_signature',
		);
		const other = `whsec_${Buffer.alloc(24, 7).toString('base64')}`;
		failed(
			verifyRequest(ep, request(sign('msg_1', NOW_S, BODY, other), BODY), NOW_MS),
			'invalid_signature',
		);
		failed(
			verifyRequest(ep, request({ ...specHeaders, 'webhook-id': 'msg_other' }, SPEC.body), specNow),
			'invalid_signature',
		);
	});

	test('rejects stale and future timestamps', () => {
		failed(
			verifyRequest(ep, request(specHeaders, SPEC.body), specNow + 301_000),
			'stale_timestamp',
		);
		failed(
			verifyRequest(ep, request(specHeaders, SPEC.body), specNow - 301_000),
			'stale_timestamp',
		);
		assert.equal(verifyRequest(ep, request(specHeaders, SPEC.body), specNow + 300_000).ok, true);
	});

	test('rejects missing or garbled headers', () => {
		const { 'webhook-signature': _s, ...noSignature } = specHeaders;
		const { 'webhook-id': _i, ...noId } = specHeaders;
		const { 'webhook-timestamp': _t, ...noTimestamp } = specHeaders;
		failed(verifyRequest(ep, request(noSignature, SPEC.body), specNow), 'missing_signature');
		failed(verifyRequest(ep, request(noId, SPEC.body), specNow), 'missing_message_id');
		failed(verifyRequest(ep, request(noTimestamp, SPEC.body), specNow), 'missing_timestamp');
		for (const garbled of [
			'v1,',
			'v1,@@@',
			'g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
			'v2,abc',
		]) {
			failed(
				verifyRequest(
					ep,
					request({ ...specHeaders, 'webhook-signature': garbled }, SPEC.body),
					specNow,
				),
				'invalid_signature',
			);
		}
	});
});

describe('generic preset', () => {
	const body = 'a=1&b=2';

	test('sha256 hex with a prefix; prefix and hex case do not matter', () => {
		const auth: EndpointAuth = {
			type: 'hmac',
			preset: 'generic',
			header: 'x-signature',
			algorithm: 'sha256',
			encoding: 'hex',
			prefix: 'sha256=',
		};
		const hex = hmac('sha256', SECRET, body).toString('hex');
		const ep = endpoint(auth);
		assert.equal(
			verifyRequest(ep, request({ 'x-signature': `sha256=${hex}` }, body), NOW_MS).ok,
			true,
		);
		assert.equal(
			verifyRequest(ep, request({ 'x-signature': `SHA256=${hex.toUpperCase()}` }, body), NOW_MS).ok,
			true,
		);
		failed(verifyRequest(ep, request({ 'x-signature': hex }, body), NOW_MS), 'invalid_signature');
	});

	test('sha1 hex and sha512 base64', () => {
		const sha1: EndpointAuth = {
			type: 'hmac',
			preset: 'generic',
			header: 'x-sig',
			algorithm: 'sha1',
			encoding: 'hex',
			prefix: '',
		};
		const sig1 = hmac('sha1', SECRET, body).toString('hex');
		assert.equal(verifyRequest(endpoint(sha1), request({ 'x-sig': sig1 }, body), NOW_MS).ok, true);
		const sha512: EndpointAuth = {
			type: 'hmac',
			preset: 'generic',
			header: 'x-sig',
			algorithm: 'sha512',
			encoding: 'base64',
			prefix: '',
		};
		const sig512 = hmac('sha512', SECRET, body).toString('base64');
		assert.equal(
			verifyRequest(endpoint(sha512), request({ 'x-sig': sig512 }, body), NOW_MS).ok,
			true,
		);
		// the right bytes in the wrong algorithm never pass
		failed(
			verifyRequest(
				endpoint(sha512),
				request({ 'x-sig': hmac('sha256', SECRET, body).toString('base64') }, body),
				NOW_MS,
			),
			'invalid_signature',
		);
	});

	test('rejects a tampered body, a wrong secret and a missing header', () => {
		const auth: EndpointAuth = {
			type: 'hmac',
			preset: 'generic',
			header: 'x-sig',
			algorithm: 'sha256',
			encoding: 'base64',
			prefix: '',
		};
		const ep = endpoint(auth);
		const sig = hmac('sha256', SECRET, body).toString('base64');
		failed(verifyRequest(ep, request({ 'x-sig': sig }, 'a=1&b=3'), NOW_MS), 'invalid_signature');
		failed(
			verifyRequest(
				ep,
				request({ 'x-sig': hmac('sha256', 'wrong', body).toString('base64') }, body),
				NOW_MS,
			),
			'invalid_signature',
		);
		failed(verifyRequest(ep, request({ 'x-other': sig }, body), NOW_MS), 'missing_signature');
	});
});

describe('secret rotation with HMAC', () => {
	test('the previous secret verifies within its grace and not after', () => {
		const auth: EndpointAuth = { type: 'hmac', preset: 'github' };
		const graceEnd = NOW_MS + 3_600_000;
		const ep = endpoint(auth, [
			'new',
			{
				value: 'old',
				createdAt: new Date(0).toISOString(),
				expiresAt: new Date(graceEnd).toISOString(),
			},
		]);
		const signedWith = (key: string) =>
			request(
				{ 'x-hub-signature-256': `sha256=${hmac('sha256', key, BODY).toString('hex')}` },
				BODY,
			);
		assert.equal(verifyRequest(ep, signedWith('old'), NOW_MS).ok, true);
		assert.equal(verifyRequest(ep, signedWith('new'), NOW_MS).ok, true);
		failed(verifyRequest(ep, signedWith('old'), graceEnd), 'invalid_signature');
		assert.equal(verifyRequest(ep, signedWith('new'), graceEnd + 86_400_000).ok, true);
	});

	test('an endpoint without an active secret rejects everything', () => {
		const ep = endpoint({ type: 'hmac', preset: 'github' }, [
			{ value: 'old', createdAt: '', expiresAt: new Date(NOW_MS).toISOString() },
		]);
		const signed = request(
			{ 'x-hub-signature-256': `sha256=${hmac('sha256', 'old', BODY).toString('hex')}` },
			BODY,
		);
		failed(verifyRequest(ep, signed, NOW_MS), 'no_active_secret');
	});
});
