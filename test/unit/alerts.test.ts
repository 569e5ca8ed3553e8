/**
 * Alert rules and episodes (src/alerts): each rule on plain figures, the rate between two readings
 * of hourly counters, and the episode logic (fire once, stay quiet while it holds, resolve once).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { currentState, decideTransitions, type EpisodeRecord } from '../../src/alerts/episodes';
import {
	evaluateRules,
	ratePerMinute,
	rejectedCount,
	ruleId,
	type AlertFigures,
	type EndpointFigures,
} from '../../src/alerts/rules';
import { rulesOf } from '../../nodes/WebhookAlertTrigger/rules';

const NOW = Date.parse('2026-12-04T12:00:00Z');

function endpoint(over: Partial<EndpointFigures> = {}): EndpointFigures {
	return {
		endpointId: 'ep',
		accountId: 'acc',
		deadLetters: 0,
		bufferEvents: 0,
		bufferCapacity: 100,
		bufferBytes: 0,
		bufferMaxBytes: 1000,
		lastAcceptedMs: NOW,
		hasAccepted: true,
		rejectedPerMinute: 0,
		...over,
	};
}
function figures(over: Partial<AlertFigures> = {}): AlertFigures {
	return { nowMs: NOW, endpoints: [endpoint()], accounts: [], ...over };
}

describe('rules', () => {
	test('dead letters: holds above N, per endpoint, or for one endpoint only', () => {
		const f = figures({
			endpoints: [
				endpoint({ endpointId: 'a', deadLetters: 3 }),
				endpoint({ endpointId: 'b', deadLetters: 2 }),
			],
		});
		assert.deepEqual(
			evaluateRules([{ kind: 'deadLetters', threshold: 2 }], f).map((c) => [c.endpointId, c.holds]),
			[
				['a', true],
				['b', false],
			],
		);
		const one = evaluateRules([{ kind: 'deadLetters', threshold: 0, endpointId: 'b' }], f);
		assert.deepEqual(
			one.map((c) => [c.endpointId, c.holds, c.figures.deadLetters]),
			[['b', true, 2]],
		);
	});
	test('buffer fill: events or bytes, strictly above the percentage', () => {
		const f = figures({ endpoints: [endpoint({ bufferEvents: 80, bufferBytes: 900 })] });
		assert.equal(
			evaluateRules([{ kind: 'bufferFill', measure: 'events', percent: 80 }], f)[0].holds,
			false,
		);
		assert.equal(
			evaluateRules([{ kind: 'bufferFill', measure: 'events', percent: 79 }], f)[0].holds,
			true,
		);
		const bytes = evaluateRules([{ kind: 'bufferFill', measure: 'bytes', percent: 80 }], f)[0];
		assert.equal(bytes.holds, true);
		assert.deepEqual(bytes.figures, { measure: 'bytes', used: 900, capacity: 1000, percent: 90 });
	});
	test('daily usage: above X % of the plan; an unlimited plan never holds', () => {
		const f = figures({
			accounts: [
				{ accountId: 'a', planId: 'advanced', acceptedToday: 201, dailyLimit: 250 },
				{ accountId: 'u', planId: 'unlimited', acceptedToday: 1e9, dailyLimit: null },
			],
		});
		assert.deepEqual(
			evaluateRules([{ kind: 'dailyUsage', percent: 80 }], f).map((c) => [c.accountId, c.holds]),
			[
				['a', true],
				['u', false],
			],
		);
		assert.equal(evaluateRules([{ kind: 'dailyUsage', percent: 81 }], f)[0].holds, false);
		assert.equal(evaluateRules([{ kind: 'dailyUsage', percent: 10, accountId: 'u' }], f).length, 1);
	});
	test('silence: holds once T minutes passed since the last accepted event (or the creation)', () => {
		const f = figures({
			endpoints: [
				endpoint({ lastAcceptedMs: NOW - 30 * 60_000 }),
				endpoint({ endpointId: 'new', hasAccepted: false, lastAcceptedMs: NOW - 5 * 60_000 }),
			],
		});
		const c = evaluateRules([{ kind: 'silence', minutes: 30 }], f);
		assert.deepEqual(
			c.map((x) => [x.endpointId, x.holds]),
			[
				['ep', true],
				['new', false],
			],
		);
		assert.equal(c[0].figures.silentMinutes, 30);
		assert.ok('createdAt' in c[1].figures);
	});
	test('rejections: a rate above R holds; no previous reading never holds', () => {
		const f = figures({
			endpoints: [
				endpoint({ rejectedPerMinute: 12 }),
				endpoint({ endpointId: 'first', rejectedPerMinute: null }),
			],
		});
		assert.deepEqual(
			evaluateRules([{ kind: 'rejections', perMinute: 10 }], f).map((c) => c.holds),
			[true, false],
		);
		assert.equal(
			rejectedCount({ accepted: 5, duplicate: 1, handshake: 1, unauthorized: 3, rate_limited: 2 }),
			5,
		);
		assert.equal(ratePerMinute({ '10': 4 }, { '10': 10, '11': 6 }, 120_000), 6);
		assert.equal(ratePerMinute({}, { '10': 1 }, 0), null);
	});
	test('redis check: holds while the server check says not ready', () => {
		const bad = figures({
			redis: {
				notReady: 'maxmemory-policy is allkeys-lru',
				findings: [{ setting: 'maxmemory-policy', level: 'risk', message: 'evicts' }],
			},
		});
		const c = evaluateRules([{ kind: 'redisCheck' }], bad)[0];
		assert.equal(c.holds, true);
		assert.equal((c.figures.findings as unknown[]).length, 1);
		assert.equal(
			evaluateRules([{ kind: 'redisCheck' }], figures({ redis: { findings: [] } }))[0].holds,
			false,
		);
	});
	test('rule ids change with the settings, not with the order of fields', () => {
		assert.equal(
			ruleId({ kind: 'bufferFill', measure: 'events', percent: 80 }),
			ruleId({ percent: 80, kind: 'bufferFill', measure: 'events' } as never),
		);
		assert.notEqual(
			ruleId({ kind: 'deadLetters', threshold: 1 }),
			ruleId({ kind: 'deadLetters', threshold: 2 }),
		);
	});
});

describe('episodes', () => {
	const rule = [{ kind: 'deadLetters' as const, threshold: 0 }];
	const at = (dead: number) =>
		evaluateRules(rule, figures({ endpoints: [endpoint({ deadLetters: dead })] }));

	test('fires once when a rule starts to hold, stays quiet while it holds, resolves once when it clears', () => {
		const open = new Map<string, EpisodeRecord>();
		const first = decideTransitions(at(1), open, NOW);
		assert.equal(first.open.length, 1);
		assert.equal(first.close.length, 0);
		const item = first.open[0].item;
		assert.equal(item.state, 'firing');
		assert.equal(item.rule, 'deadLetters');
		assert.equal(item.endpointId, 'ep');
		assert.deepEqual(item.figures, { deadLetters: 1 });
		assert.deepEqual(item.threshold, { deadLetters: 0 });
		assert.equal(item.since, new Date(NOW).toISOString());
		open.set(first.open[0].key, first.open[0].record);

		const still = decideTransitions(at(5), open, NOW + 60_000);
		assert.deepEqual([still.open.length, still.close.length], [0, 0]);

		const cleared = decideTransitions(at(0), open, NOW + 120_000);
		assert.equal(cleared.open.length, 0);
		assert.equal(cleared.close.length, 1);
		assert.equal(cleared.close[0].item.state, 'resolved');
		assert.equal(cleared.close[0].item.since, new Date(NOW).toISOString());
		assert.equal(cleared.close[0].item.resolvedAt, new Date(NOW + 120_000).toISOString());
	});
	test('an open episode whose rule is gone resolves', () => {
		const record: EpisodeRecord = {
			kind: 'silence',
			endpointId: 'old',
			since: new Date(NOW).toISOString(),
			figures: {},
			threshold: {},
		};
		const t = decideTransitions([], new Map([['silence,minutes=5|e:old', record]]), NOW);
		assert.equal(t.close[0].item.state, 'resolved');
		assert.match(t.close[0].item.message, /no longer exists/);
	});
	test('current state for a manual fetch: the holding conditions, or one ok item', () => {
		assert.equal(currentState(at(0), NOW)[0].state, 'ok');
		assert.equal(currentState(at(2), NOW)[0].state, 'firing');
	});
});

describe('node rules parameter', () => {
	test('maps each rule and refuses an empty list or a bad number', () => {
		assert.deepEqual(
			rulesOf({
				rule: [
					{ rule: 'bufferFill', endpointId: ' ep ', measure: 'bytes', percent: 90 },
					{ rule: 'redisCheck' },
				],
			}),
			[
				{ kind: 'bufferFill', endpointId: 'ep', measure: 'bytes', percent: 90 },
				{ kind: 'redisCheck' },
			],
		);
		assert.throws(() => rulesOf({ rule: [] }), /no rule/);
		assert.throws(() => rulesOf({ rule: [{ rule: 'silence', minutes: 0 }] }), /Silent Minutes/);
	});
});
