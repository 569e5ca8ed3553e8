/**
 * The Redis version/settings decision (src/redis/serverCheck.ts) on stubbed INFO replies: a Redis
 * older than the minimum is refused naming its version; an evicting policy is a risk (not ready)
 * unless accepted; AOF off is a warning saying what is lost; missing fields are "could not check".
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
	compareVersions,
	decideServerCheck,
	MIN_REDIS_VERSION,
	parseInfo,
} from '../../src/redis/serverCheck';

function info(fields: Record<string, string>): string {
	return ['# Server', ...Object.entries(fields).map(([k, v]) => `${k}:${v}`), ''].join('\r\n');
}
const healthy = { redis_version: '7.0.15', maxmemory_policy: 'noeviction', aof_enabled: '1' };

describe('decideServerCheck', () => {
	it('a healthy Redis 7.0 is ready with no problem', () => {
		const r = decideServerCheck(info(healthy), { allowEviction: false });
		assert.equal(r.version, '7.0.15');
		assert.equal(r.fatal, undefined);
		assert.equal(r.notReady, undefined);
		assert.deepEqual(
			r.findings.map((f) => f.level),
			['ok', 'ok', 'ok'],
		);
	});

	it(`Redis 6.0.16 is refused, naming its version and the minimum (${MIN_REDIS_VERSION})`, () => {
		const r = decideServerCheck(info({ ...healthy, redis_version: '6.0.16' }), {
			allowEviction: false,
		});
		assert.match(r.fatal ?? '', /Redis 6\.0\.16/);
		assert.match(r.fatal ?? '', new RegExp(MIN_REDIS_VERSION.replace(/\./g, '\\.')));
		assert.equal(r.notReady, r.fatal);
		assert.equal(
			decideServerCheck(info({ ...healthy, redis_version: '6.2.14' }), { allowEviction: false })
				.fatal !== undefined,
			true,
		);
		assert.equal(
			decideServerCheck(info({ ...healthy, redis_version: '7.2.4' }), { allowEviction: false })
				.fatal,
			undefined,
		);
	});

	it('an evicting maxmemory-policy is a risk naming noeviction; accepted with the allow setting it is a warning', () => {
		const risky = decideServerCheck(info({ ...healthy, maxmemory_policy: 'allkeys-lru' }), {
			allowEviction: false,
		});
		assert.match(risky.notReady ?? '', /allkeys-lru/);
		assert.match(risky.notReady ?? '', /noeviction/);
		assert.match(risky.notReady ?? '', /WEBHOOK_GATEWAY_ALLOW_EVICTION/);
		const accepted = decideServerCheck(info({ ...healthy, maxmemory_policy: 'volatile-lru' }), {
			allowEviction: true,
		});
		assert.equal(accepted.notReady, undefined);
		assert.equal(accepted.findings.find((f) => f.setting === 'maxmemory-policy')?.level, 'warning');
	});

	it('AOF off is a warning that says what can be lost, still ready', () => {
		const r = decideServerCheck(info({ ...healthy, aof_enabled: '0' }), { allowEviction: false });
		const finding = r.findings.find((f) => f.setting === 'persistence');
		assert.equal(finding?.level, 'warning');
		assert.match(finding?.message ?? '', /accepted \(202\) since the last RDB snapshot is lost/);
		assert.equal(r.notReady, undefined);
	});

	it('appendfsync no (read with CONFIG when allowed) is a warning too', () => {
		const r = decideServerCheck(info(healthy), { allowEviction: false }, '', 'no');
		assert.match(
			r.findings.find((f) => f.setting === 'persistence')?.message ?? '',
			/appendfsync no.*up to 30 s/,
		);
		assert.equal(
			decideServerCheck(info(healthy), { allowEviction: false }, '', 'everysec').findings[2].level,
			'ok',
		);
	});

	it('INFO that does not say (renamed or refused) is "could not check", never a failure', () => {
		const r = decideServerCheck('', { allowEviction: false });
		assert.deepEqual(
			r.findings.map((f) => f.level),
			['unknown', 'unknown', 'unknown'],
		);
		assert.match(r.findings[1].message, /could not check maxmemory-policy/);
		assert.equal(r.fatal, undefined);
		assert.equal(r.notReady, undefined);
	});

	it('parses INFO and compares versions', () => {
		assert.equal(parseInfo(info(healthy)).get('maxmemory_policy'), 'noeviction');
		assert.ok(compareVersions('6.2.14', '7.0.0') < 0);
		assert.ok(compareVersions('7.0.0', '7.0.0') === 0);
		assert.ok(compareVersions('10.0.1', '7.0.0') > 0);
	});
});
