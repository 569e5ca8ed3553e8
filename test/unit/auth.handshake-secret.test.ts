/**
 * Asana's X-Hook-Secret handshake as pure functions: which requests are handshakes, which secrets
 * are well-formed, and that a record takes a handshake's secret only while it waits for one.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hookSecretHandshake, validateAuth } from '../../src/auth';
import { acceptHandshakeSecret } from '../../src/registry/handshakeSecret';
import type { EndpointRecord } from '../../src/types';

const ASANA = {
	auth: validateAuth({ type: 'hmac', preset: 'asana' }),
	handshake: { mode: 'none' as const },
};
const SECRET = 'b537207f20cbfa02357cf448134da559e8bd39d61597dcd5631b8012eae53e81';
const NOW = Date.parse('2026-12-04T12:00:00Z');

function record(extra: Partial<EndpointRecord>): EndpointRecord {
	return {
		id: 'asana-1',
		name: 'a',
		description: '',
		accountId: 'default',
		...ASANA,
		secrets: [],
		ipAllowlist: [],
		dedupe: { source: { type: 'none' }, windowSeconds: 60 },
		methods: ['POST'],
		enabled: true,
		bufferCapacity: null,
		createdAt: '',
		createdBy: 't',
		updatedAt: '',
		...extra,
	};
}

describe('asana handshake secret', () => {
	it('is a POST with X-Hook-Secret on an asana endpoint only', () => {
		assert.deepEqual(hookSecretHandshake(ASANA, 'POST', { 'x-hook-secret': SECRET }), {
			secret: SECRET,
		});
		assert.equal(hookSecretHandshake(ASANA, 'POST', {}), undefined);
		assert.equal(hookSecretHandshake(ASANA, 'GET', { 'x-hook-secret': SECRET }), undefined);
		const github = {
			auth: validateAuth({ type: 'hmac', preset: 'github' }),
			handshake: { mode: 'none' as const },
		};
		assert.equal(hookSecretHandshake(github, 'POST', { 'x-hook-secret': SECRET }), undefined);
		assert.equal(hookSecretHandshake(ASANA, 'POST', { 'x-hook-secret': 'short' }), 'invalid');
		assert.equal(
			hookSecretHandshake(ASANA, 'POST', { 'x-hook-secret': [SECRET, SECRET] }),
			'invalid',
		);
		assert.equal(
			hookSecretHandshake(ASANA, 'POST', { 'x-hook-secret': 'with space inside' }),
			'invalid',
		);
	});

	it('is taken once, while the record waits for it, keeping old secrets as re-arming left them', () => {
		assert.equal(acceptHandshakeSecret(record({}), SECRET, NOW), undefined, 'not waiting');
		const old = {
			value: 'old-secret-123',
			createdAt: '2026-01-01T00:00:00Z',
			expiresAt: '2026-12-05T00:00:00Z',
		};
		const expired = {
			value: 'gone-secret-12',
			createdAt: '2026-01-01T00:00:00Z',
			expiresAt: '2026-12-01T00:00:00Z',
		};
		const next = acceptHandshakeSecret(
			record({ awaitingHandshakeSecret: true, secrets: [old, expired] }),
			SECRET,
			NOW,
		);
		assert.ok(next);
		assert.equal('awaitingHandshakeSecret' in next, false);
		assert.deepEqual(next.secrets, [
			{ value: SECRET, createdAt: new Date(NOW).toISOString() },
			old,
		]);
		assert.equal(acceptHandshakeSecret(next, 'another-secret-99', NOW), undefined, 'only once');
		const switched = record({
			awaitingHandshakeSecret: true,
			auth: validateAuth({ type: 'hmac', preset: 'github' }),
		});
		assert.equal(
			acceptHandshakeSecret(switched, SECRET, NOW),
			undefined,
			'a stale flag on another preset',
		);
	});
});
