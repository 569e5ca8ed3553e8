/**
 * The provider catalog: 25+ presets, each complete (docs page, lower-case credential headers,
 * validation, a verifier), the presets that sign only the body (signed here independently as each
 * provider documents), token and basic-auth presets, and signRequest round trips.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
	PRESETS,
	credentialHeaders,
	defaultDedupe,
	generateSecret,
	signRequest,
	validateAuth,
	verifyRequest,
	type AuthRequest,
} from '../../src/auth';
import type { EndpointAuth } from '../../src/types';
import { NOW_MS, endpoint } from './authFixtures';

const DOCS = join(__dirname, '..', '..', 'docs', 'providers');
const BODY = '{"id":"evt_1","event_id":"e1","note":"héllo"}';
const SECRET = 'pr0vider-s3cret';

function req(headers: AuthRequest['headers'], body = BODY): AuthRequest {
	return { method: 'POST', headers, rawBody: Buffer.from(body), sourceIp: '203.0.113.5' };
}
const preset = (id: string): EndpointAuth => validateAuth({ type: 'hmac', preset: id });
const mac = (algorithm: string, encoding: 'hex' | 'base64', body = BODY, key = SECRET) =>
	createHmac(algorithm, key).update(body).digest(encoding);

describe('catalog', () => {
	test('has 25 or more presets, each with a docs page, hints, lower-case headers and a verifier', () => {
		assert.ok(PRESETS.length >= 25, `only ${PRESETS.length} presets`);
		assert.equal(new Set(PRESETS.map((p) => p.cliName)).size, PRESETS.length);
		for (const p of PRESETS) {
			assert.ok(existsSync(join(DOCS, p.docs)), `docs/providers/${p.docs} missing`);
			assert.ok(p.setupHint.length > 20 && p.secretHint.length > 5, p.id);
			for (const h of p.credentialHeaders) assert.equal(h, h.toLowerCase(), p.id);
			if (p.id === 'generic') continue;
			const auth = preset(p.id);
			assert.deepEqual(credentialHeaders(auth), [...p.credentialHeaders], p.id);
			assert.deepEqual(defaultDedupe(auth), p.dedupe, p.id);
			assert.equal(
				'toleranceSeconds' in auth,
				p.timestamp,
				`${p.id}: tolerance only where a timestamp is signed`,
			);
			// Every preset has a real verifier: an unsigned request fails for a reason other than unsupported_auth.
			const result = verifyRequest(endpoint(auth, [SECRET]), req({}), NOW_MS);
			assert.equal(result.ok, false, p.id);
			assert.notEqual(!result.ok && result.reason, 'unsupported_auth', p.id);
		}
	});

	test('the docs index has a row per preset and each guide shows its --auth command', () => {
		const index = readFileSync(join(DOCS, 'README.md'), 'utf8');
		for (const p of PRESETS) {
			assert.ok(index.includes(`| ${p.name} | [${p.docs}](${p.docs}) |`), `index row for ${p.id}`);
			if (p.id === 'generic') continue;
			assert.match(
				readFileSync(join(DOCS, p.docs), 'utf8'),
				new RegExp(`endpoints create [^\n]*--auth ${p.cliName}\\b`),
				p.docs,
			);
		}
	});
});

/** [preset, header, value for BODY signed with SECRET, doc of the scheme]. */
const BODY_SIGNED: Array<[string, string, () => string, string]> = [
	[
		'bitbucket',
		'x-hub-signature',
		() => `sha256=${mac('sha256', 'hex')}`,
		'https://support.atlassian.com/bitbucket-cloud/docs/manage-webhooks/#Secure-webhooks',
	],
	[
		'dropbox',
		'x-dropbox-signature',
		() => mac('sha256', 'hex'),
		'https://www.dropbox.com/developers/reference/webhooks#notifications',
	],
	[
		'intercom',
		'x-hub-signature',
		() => `sha1=${mac('sha1', 'hex')}`,
		'https://developers.intercom.com/docs/webhooks/webhook-notifications#signed-notifications',
	],
	[
		'jira',
		'x-hub-signature',
		() => `sha256=${mac('sha256', 'hex')}`,
		'https://developer.atlassian.com/cloud/jira/platform/webhooks/#secure-admin-webhooks',
	],
	[
		'linear',
		'linear-signature',
		() => mac('sha256', 'hex'),
		'https://linear.app/developers/webhooks#securing-webhooks',
	],
	[
		'meta',
		'x-hub-signature-256',
		() => `sha256=${mac('sha256', 'hex')}`,
		'https://developers.facebook.com/docs/graph-api/webhooks/getting-started#validate-payloads',
	],
	[
		'sentry',
		'sentry-hook-signature',
		() => mac('sha256', 'hex'),
		'https://docs.sentry.io/organization/integrations/integration-platform/webhooks/#sentry-hook-signature',
	],
	[
		'typeform',
		'typeform-signature',
		() => `sha256=${mac('sha256', 'base64')}`,
		'https://www.typeform.com/developers/webhooks/secure-your-webhooks/',
	],
	[
		'vercel',
		'x-vercel-signature',
		() => mac('sha1', 'hex'),
		'https://vercel.com/docs/webhooks/webhooks-api#securing-webhooks',
	],
	[
		'woocommerce',
		'x-wc-webhook-signature',
		() => mac('sha256', 'base64'),
		'https://woocommerce.github.io/woocommerce-rest-api-docs/#webhooks (X-WC-Webhook-Signature)',
	],
];

describe('presets signing only the body (no published vectors; signed as each doc says)', () => {
	for (const [id, header, value, doc] of BODY_SIGNED) {
		test(`${id}: ${header} as ${doc} describes`, () => {
			const ep = endpoint(preset(id), [SECRET]);
			assert.deepEqual(verifyRequest(ep, req({ [header]: value() }), NOW_MS), { ok: true });
			assert.deepEqual(verifyRequest(ep, req({ [header]: value() }, `${BODY} `), NOW_MS), {
				ok: false,
				reason: 'invalid_signature',
			});
			assert.deepEqual(
				verifyRequest(endpoint(preset(id), ['other']), req({ [header]: value() }), NOW_MS),
				{ ok: false, reason: 'invalid_signature' },
			);
			assert.deepEqual(verifyRequest(ep, req({}), NOW_MS), {
				ok: false,
				reason: 'missing_signature',
			});
		});
	}

	test('intercom (sha1) does not accept a sha256 signature, nor bitbucket a sha1 one', () => {
		assert.equal(
			verifyRequest(
				endpoint(preset('intercom'), [SECRET]),
				req({ 'x-hub-signature': `sha256=${mac('sha256', 'hex')}` }),
				NOW_MS,
			).ok,
			false,
		);
		assert.equal(
			verifyRequest(
				endpoint(preset('bitbucket'), [SECRET]),
				req({ 'x-hub-signature': `sha1=${mac('sha1', 'hex')}` }),
				NOW_MS,
			).ok,
			false,
		);
	});
});

describe('token and basic-auth presets', () => {
	test('gitlab: X-Gitlab-Token must equal the secret (https://docs.gitlab.com/user/project/integrations/webhooks/#validate-requests-with-a-secret-token)', () => {
		const ep = endpoint(preset('gitlab'), [SECRET]);
		assert.deepEqual(verifyRequest(ep, req({ 'x-gitlab-token': SECRET }), NOW_MS), { ok: true });
		assert.deepEqual(verifyRequest(ep, req({ 'x-gitlab-token': `${SECRET}x` }), NOW_MS), {
			ok: false,
			reason: 'invalid_credentials',
		});
		assert.deepEqual(verifyRequest(ep, req({ authorization: `Bearer ${SECRET}` }), NOW_MS), {
			ok: false,
			reason: 'missing_credentials',
		});
	});

	test('postmark: basic auth with user postmark (default) or the configured one (https://postmarkapp.com/support/article/1129-webhooks-basic-auth)', () => {
		const basic = (user: string, password: string) => ({
			authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
		});
		assert.deepEqual(validateAuth({ type: 'hmac', preset: 'postmark' }), {
			type: 'hmac',
			preset: 'postmark',
			username: 'postmark',
		});
		const ep = endpoint(preset('postmark'), [SECRET]);
		assert.deepEqual(verifyRequest(ep, req(basic('postmark', SECRET)), NOW_MS), { ok: true });
		assert.equal(verifyRequest(ep, req(basic('other', SECRET)), NOW_MS).ok, false);
		const custom = endpoint(
			validateAuth({ type: 'hmac', preset: 'postmark', username: 'pm-hooks' }),
			[SECRET],
		);
		assert.deepEqual(verifyRequest(custom, req(basic('pm-hooks', SECRET)), NOW_MS), { ok: true });
	});
});

test('garbled headers, bodies and URLs never make a preset throw; they fail', () => {
	const junk = [
		'',
		' ',
		'=',
		';;',
		't=,v1=',
		'ts=9;h1=zz',
		'sha256=',
		'v0=%%',
		'v1,!!',
		'\u00ff\u0000',
		'x'.repeat(5000),
		'2025-13-45T99:99:99Z',
		'-1',
		'1e400',
	];
	const bodies = [
		'',
		'{',
		'{"signature":{"timestamp":1,"token":[],"signature":{}}}',
		'a=1&a=2&bodySHA256=00',
		'\u0000',
	];
	let n = 0;
	for (const p of PRESETS) {
		if (p.id === 'generic') continue;
		const ep = endpoint(preset(p.id), ['k', 'MFkw', 'a'.repeat(64)]);
		const names = [
			...p.credentialHeaders,
			'x-zm-request-timestamp',
			'twitch-eventsub-message-timestamp',
			'x-signature-timestamp',
			'x-hubspot-request-timestamp',
			'svix-id',
			'svix-timestamp',
			'host',
			'x-forwarded-host',
		];
		for (const value of junk) {
			for (const body of bodies) {
				const headers = Object.fromEntries(names.map((name) => [name, value]));
				const result = verifyRequest(
					ep,
					{ ...req(headers, body), url: value === '' ? undefined : `/hooks/x?${value}` },
					NOW_MS,
				);
				assert.equal(
					result.ok,
					false,
					`${p.id} accepted junk ${JSON.stringify(value.slice(0, 20))}`,
				);
				n++;
			}
		}
	}
	assert.ok(n > 1000);
});

describe('signRequest for catalog presets', () => {
	const unsignable = new Set(['twilio', 'square', 'hubspot', 'mailgun', 'discord', 'sendgrid']);
	for (const p of PRESETS) {
		if (p.id === 'generic') continue;
		test(`${p.id}: ${unsignable.has(p.id) ? 'refuses with a clear message' : 'signed requests verify, foreign ones do not'}`, () => {
			const auth = preset(p.id);
			const key = generateSecret(auth);
			if (unsignable.has(p.id)) {
				assert.throws(
					() => signRequest(auth, key, Buffer.from(BODY), NOW_MS),
					/send a real event from the provider/,
				);
				return;
			}
			const headers = signRequest(auth, key, Buffer.from(BODY), NOW_MS);
			assert.deepEqual(verifyRequest(endpoint(auth, [key]), req(headers), NOW_MS), { ok: true });
			assert.equal(
				verifyRequest(endpoint(auth, [generateSecret(auth)]), req(headers), NOW_MS).ok,
				false,
			);
		});
	}
});
