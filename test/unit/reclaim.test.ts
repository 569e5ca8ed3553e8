/**
 * When unacknowledged events may be released again (src/delivery/reclaim.ts): at once in n8n's
 * regular mode, after the trigger's Unfinished Run Timeout in queue mode.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
	DEFAULT_RECLAIM_MINUTES,
	reclaimAfterMs,
	renewEveryMs,
	runsOnWorkers,
} from '../../src/delivery/reclaim';
import { LEASE_MS } from '../../src/delivery/batchRelease';

describe('unfinished-run timeout', () => {
	it('is 0 in regular mode, whatever the option says', () => {
		assert.equal(runsOnWorkers({}), false);
		assert.equal(runsOnWorkers({ EXECUTIONS_MODE: 'regular' }), false);
		assert.equal(reclaimAfterMs(5, {}), 0);
		assert.equal(reclaimAfterMs(undefined, { EXECUTIONS_MODE: 'regular' }), 0);
	});

	it('in queue mode is the option in minutes, 60 by default or when the value is unusable', () => {
		const queue = { EXECUTIONS_MODE: ' Queue ' };
		assert.equal(runsOnWorkers(queue), true);
		assert.equal(DEFAULT_RECLAIM_MINUTES, 60);
		assert.equal(reclaimAfterMs(undefined, queue), 3_600_000);
		assert.equal(reclaimAfterMs(1, queue), 60_000);
		assert.equal(reclaimAfterMs(2.5, queue), 150_000);
		for (const bad of [0, -3, Number.NaN])
			assert.equal(reclaimAfterMs(bad, queue), 3_600_000, String(bad));
	});

	it('renews in-flight events often enough: at least three times per timeout and per lease, at most once a second', () => {
		assert.equal(renewEveryMs(3_600_000), LEASE_MS / 3);
		assert.equal(renewEveryMs(6000), 2000);
		assert.equal(renewEveryMs(1500), 1000);
	});
});
