/**
 * The capacity variables (docs/reliability.md, "What fills up"): their defaults, sizes with units,
 * and values that cannot work stopping start-up with a message naming the variable.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config';

describe('capacity configuration', () => {
	it('defaults: 100,000 events and 256 MiB per endpoint, 10,000 dead letters', () => {
		const c = loadConfig({});
		assert.deepEqual(
			[c.bufferMaxEvents, c.bufferMaxBytes, c.deadLetterMax],
			[100_000, 256 * 1024 * 1024, 10_000],
		);
	});

	it('reads sizes with units and whole numbers', () => {
		const c = loadConfig({
			WEBHOOK_GATEWAY_BUFFER_MAX_BYTES: '2gb',
			WEBHOOK_GATEWAY_DEAD_LETTER_MAX: '50',
		});
		assert.deepEqual([c.bufferMaxBytes, c.deadLetterMax], [2 * 1024 ** 3, 50]);
	});

	it('refuses values that cannot work, naming the variable', () => {
		assert.throws(
			() => loadConfig({ WEBHOOK_GATEWAY_BUFFER_MAX_BYTES: 'lots' }),
			(e: Error) =>
				e instanceof ConfigError && e.message.includes('WEBHOOK_GATEWAY_BUFFER_MAX_BYTES'),
		);
		assert.throws(
			() => loadConfig({ WEBHOOK_GATEWAY_DEAD_LETTER_MAX: '0' }),
			(e: Error) =>
				e instanceof ConfigError && e.message.includes('WEBHOOK_GATEWAY_DEAD_LETTER_MAX'),
		);
		assert.throws(
			() =>
				loadConfig({ WEBHOOK_GATEWAY_BUFFER_MAX_BYTES: '512kb', WEBHOOK_GATEWAY_MAX_BODY: '1mb' }),
			(e: Error) =>
				e instanceof ConfigError &&
				/WEBHOOK_GATEWAY_BUFFER_MAX_BYTES: expected at least WEBHOOK_GATEWAY_MAX_BODY/.test(
					e.message,
				),
			'a byte capacity below the largest body could never buffer such a request',
		);
	});
});
