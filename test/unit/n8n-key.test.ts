/**
 * The embedded gateway's encryption key: WEBHOOK_GATEWAY_ENCRYPTION_KEY when set, else derived
 * from n8n's encryption key (N8N_ENCRYPTION_KEY, or encryptionKey in <user folder>/.n8n/config).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { gatewayKeyFromN8n, n8nEncryptionKey } from '../../src/runtime/n8nKey';
import { gatewayConfigOf } from '../../src/runtime/settings';

const SETTINGS = { connectionType: 'url' as const, redisUrl: 'redis://127.0.0.1:6379' };
/** This n8n serves the endpoints (the n8n admin's WEBHOOK_GATEWAY_N8N_SERVE). */
const SERVED = { WEBHOOK_GATEWAY_N8N_SERVE: 'true' };

test('the key comes from N8N_ENCRYPTION_KEY, else from the config file of the n8n user folder', () => {
	assert.equal(n8nEncryptionKey({ N8N_ENCRYPTION_KEY: 'from-env' }), 'from-env');
	const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'wgw-n8n-key-'));
	try {
		assert.equal(n8nEncryptionKey({ N8N_USER_FOLDER: folder }), undefined);
		fs.mkdirSync(path.join(folder, '.n8n'));
		fs.writeFileSync(
			path.join(folder, '.n8n', 'config'),
			JSON.stringify({ encryptionKey: 'from-file' }),
		);
		assert.equal(n8nEncryptionKey({ N8N_USER_FOLDER: folder }), 'from-file');
		assert.equal(
			gatewayConfigOf(SETTINGS, { ...SERVED, N8N_USER_FOLDER: folder }).encryptionKey,
			gatewayKeyFromN8n('from-file'),
		);
	} finally {
		fs.rmSync(folder, { recursive: true, force: true });
	}
});

test('the derived key is long enough, differs from n8n’s, and an explicit gateway key wins', () => {
	const derived = gatewayConfigOf(SETTINGS, {
		...SERVED,
		N8N_ENCRYPTION_KEY: 'n8n-key',
	}).encryptionKey;
	assert.equal(derived.length, 64);
	assert.notEqual(derived, 'n8n-key');
	const explicit = 'an-explicit-gateway-key-0123456789abcdef';
	assert.equal(
		gatewayConfigOf(SETTINGS, {
			...SERVED,
			N8N_ENCRYPTION_KEY: 'n8n-key',
			WEBHOOK_GATEWAY_ENCRYPTION_KEY: explicit,
		}).encryptionKey,
		explicit,
	);
	assert.equal(gatewayConfigOf(SETTINGS, SERVED).encryptionKey, '');
});

test('not derived when this n8n does not serve endpoints (standalone gateways must read what the node writes)', () => {
	assert.equal(gatewayConfigOf(SETTINGS, { N8N_ENCRYPTION_KEY: 'n8n-key' }).encryptionKey, '');
	assert.equal(
		gatewayConfigOf(SETTINGS, { N8N_ENCRYPTION_KEY: 'n8n-key', WEBHOOK_GATEWAY_N8N_SERVE: 'false' })
			.encryptionKey,
		'',
	);
	assert.equal(
		gatewayConfigOf(SETTINGS, { ...SERVED, N8N_ENCRYPTION_KEY: 'n8n-key' }).encryptionKey.length,
		64,
	);
});
