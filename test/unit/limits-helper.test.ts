import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { acceptedTimesMs, worstWindow } from '../helpers/limits';

describe('the GCRA bound check used by the limiter tests', () => {
	it('accepts a sequence within burst + floor(rate t)', () => {
		// burst 5 at t=0, then one every 200 ms (rate 5/s).
		const times = [0, 0, 0, 0, 0, 200, 400, 600, 800, 1000].map((t) => 1_000_000 + t);
		assert.ok(worstWindow(times, 5, 5).excess <= 0);
	});
	it('finds the window that holds one event too many', () => {
		const times = [0, 0, 0, 0, 0, 0].map((t) => 1_000_000 + t);
		const worst = worstWindow(times, 5, 5);
		assert.equal(worst.excess, 1);
		assert.equal(worst.count, 6);
		assert.ok(
			worstWindow([...times.slice(0, 5), 1_000_150], 5, 5).excess > 0,
			'a 6th within 150 ms is over the bound',
		);
	});
	it('reads Redis times from 202 bodies, sorted', () => {
		assert.deepEqual(
			acceptedTimesMs(['{"status":"accepted","eventId":"20-0"}', '{"eventId":"10-3"}']),
			[10, 20],
		);
		assert.equal(worstWindow([], 1, 1).excess, 0);
	});
});
