/** The Batch Trigger's schedule parameters → cron, and node-schedule running it in a time zone. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
	cronOf,
	startSchedule,
	type ScheduleParameters,
} from '../../nodes/WebhookBatchTrigger/schedule';

function cron(p: ScheduleParameters): string {
	const result = cronOf(p);
	assert.ok(result.ok, result.ok ? '' : result.error);
	return result.value;
}

function cronError(p: ScheduleParameters): string {
	const result = cronOf(p);
	assert.ok(!result.ok, `expected an error for ${JSON.stringify(p)}`);
	return result.error;
}

describe('release schedule parameters', () => {
	it('turns each mode into a cron expression', () => {
		assert.equal(cron({ schedule: 'everyHour' }), '0 * * * *');
		assert.equal(cron({ schedule: 'everyHour', triggerAtMinute: 30 }), '30 * * * *');
		assert.equal(cron({ schedule: 'everyNMinutes', minutesInterval: 5 }), '*/5 * * * *');
		assert.equal(cron({ schedule: 'everyNMinutes', minutesInterval: 1 }), '* * * * *');
		assert.equal(
			cron({ schedule: 'everyNHours', hoursInterval: 6, triggerAtMinute: 15 }),
			'15 */6 * * *',
		);
		assert.equal(cron({ schedule: 'everyNHours', hoursInterval: 1 }), '0 * * * *');
		assert.equal(cron({ schedule: 'everyDay', triggerAtHour: 9, triggerAtMinute: 5 }), '5 9 * * *');
		assert.equal(
			cron({ schedule: 'cron', cronExpression: '  */10   * * * * * ' }),
			'*/10 * * * * *',
		);
		assert.equal(cron({ schedule: 'cron', cronExpression: '0 9-17 * * 1-5' }), '0 9-17 * * 1-5');
	});

	it('names the field that is out of range', () => {
		assert.match(
			cronError({ schedule: 'everyNMinutes', minutesInterval: 0 }),
			/Minutes Between Releases must be a whole number from 1 to 59/,
		);
		assert.match(
			cronError({ schedule: 'everyNHours', hoursInterval: 24 }),
			/Hours Between Releases/,
		);
		assert.match(cronError({ schedule: 'everyDay', triggerAtHour: 24 }), /Trigger at Hour/);
		assert.match(cronError({ schedule: 'everyHour', triggerAtMinute: 1.5 }), /Trigger at Minute/);
		assert.match(
			cronError({ schedule: 'cron', cronExpression: '5' }),
			/needs 5 fields .* or 6 with seconds first/,
		);
		assert.match(cronError({ schedule: 'cron', cronExpression: '' }), /needs 5 fields/);
	});

	it('rejects a 5-field expression node-schedule cannot read', () => {
		const started = startSchedule('a b c d e', 'UTC', () => undefined);
		assert.equal(started.ok, false);
	});

	it('rejects an unknown time zone', () => {
		const started = startSchedule('* * * * *', 'Not/AZone', () => undefined);
		assert.equal(started.ok, false);
	});

	it('runs a 6-field (seconds) cron in the given time zone, and stops on cancel', async () => {
		let ticks = 0;
		const started = startSchedule('* * * * * *', 'Europe/Berlin', () => ticks++);
		assert.ok(started.ok, started.ok ? '' : started.error);
		const next = started.value.next();
		assert.ok(
			next instanceof Date && next.getTime() - Date.now() <= 1100,
			`next tick within a second, got ${next?.toISOString()}`,
		);
		await new Promise((r) => setTimeout(r, 2300));
		started.value.cancel();
		started.value.cancel(); // idempotent
		const seen = ticks;
		assert.ok(seen >= 2 && seen <= 3, `2-3 ticks in 2.3 s, got ${seen}`);
		await new Promise((r) => setTimeout(r, 1200));
		assert.equal(ticks, seen, 'no tick after cancel');
		assert.equal(started.value.next(), undefined);
	});

	it('evaluates daily times in the workflow time zone', () => {
		const started = startSchedule('0 9 * * *', 'Asia/Tokyo', () => undefined);
		assert.ok(started.ok);
		const next = started.value.next()!;
		started.value.cancel();
		// 09:00 in Tokyo (UTC+9, no DST) is 00:00 UTC.
		assert.equal(next.getUTCHours(), 0);
		assert.equal(next.getUTCMinutes(), 0);
	});
});
