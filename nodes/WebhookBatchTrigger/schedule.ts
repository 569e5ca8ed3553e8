/**
 * The Batch Trigger's release schedule: the parameters turned into one cron expression
 * (6-field cron with seconds is accepted) and run by node-schedule in the workflow's time zone.
 * node-schedule stays although croner is far smaller (node-schedule pulls luxon, 4.5 MB): croner
 * 9 skips the repeated hour when daylight saving time ends (every 20 minutes in Europe/Berlin on
 * the last Sunday of October: no release for 80 minutes; hourly: one release missing; croner
 * issue 343), reads `?` as "the value at start-up" instead of "any", and reads `5L` (last Friday)
 * as every Friday.
 */
import { scheduleJob } from 'node-schedule';
import { messageOf } from '../../src/errors';
import { checkNumber, type Checked } from '../shared/parameters';

export type ScheduleMode = 'everyHour' | 'everyNMinutes' | 'everyNHours' | 'everyDay' | 'cron';

export interface ScheduleParameters {
	schedule: ScheduleMode;
	/** everyNMinutes: 1-59. */
	minutesInterval?: number;
	/** everyNHours: 1-23. */
	hoursInterval?: number;
	/** everyDay: 0-23. */
	triggerAtHour?: number;
	/** everyHour, everyNHours, everyDay: 0-59. */
	triggerAtMinute?: number;
	/** cron: 5 fields, or 6 with seconds first. */
	cronExpression?: string;
}

export type { Checked };

/** A whole number of the schedule; the editor's default when unset. */
const whole = (value: unknown, displayName: string, min: number, max: number, fallback: number) =>
	checkNumber(value, { displayName, min, max }, fallback);

function cronWith(parts: Checked<number>[], build: (...n: number[]) => string): Checked<string> {
	for (const part of parts) if (!part.ok) return part;
	return { ok: true, value: build(...parts.map((p) => (p as { value: number }).value)) };
}

/** The cron expression for the parameters, or which field is wrong. */
export function cronOf(p: ScheduleParameters): Checked<string> {
	const minute = whole(p.triggerAtMinute, 'Trigger at Minute', 0, 59, 0);
	switch (p.schedule) {
		case 'everyHour':
			return cronWith([minute], (m) => `${m} * * * *`);
		case 'everyNMinutes':
			return cronWith([whole(p.minutesInterval, 'Minutes Between Releases', 1, 59, 15)], (n) =>
				n === 1 ? '* * * * *' : `*/${n} * * * *`,
			);
		case 'everyNHours':
			return cronWith(
				[minute, whole(p.hoursInterval, 'Hours Between Releases', 1, 23, 2)],
				(m, n) => `${m} ${n === 1 ? '*' : `*/${n}`} * * *`,
			);
		case 'everyDay':
			return cronWith(
				[minute, whole(p.triggerAtHour, 'Trigger at Hour', 0, 23, 0)],
				(m, h) => `${m} ${h} * * *`,
			);
		case 'cron': {
			const expression = String(p.cronExpression ?? '')
				.trim()
				.replace(/\s+/g, ' ');
			const fields = expression === '' ? 0 : expression.split(' ').length;
			if (fields !== 5 && fields !== 6) {
				return {
					ok: false,
					error: `Cron Expression needs 5 fields (minute hour day-of-month month day-of-week), or 6 with seconds first; got ${JSON.stringify(expression)}. Example: "0 */2 * * *" (every two hours).`,
				};
			}
			return { ok: true, value: expression };
		}
		default:
			return { ok: false, error: `unknown schedule ${JSON.stringify(p.schedule)}` };
	}
}

export interface RunningSchedule {
	/** The next release time, if any. */
	next(): Date | undefined;
	/** Idempotent. */
	cancel(): void;
}

/**
 * Calls `onTick` on every occurrence of `cron` in time zone `timezone` (IANA name), or says why
 * node-schedule cannot use the expression or the zone.
 */
export function startSchedule(
	cron: string,
	timezone: string,
	onTick: () => void,
): Checked<RunningSchedule> {
	let job: ReturnType<typeof scheduleJob> | null;
	try {
		job = scheduleJob({ rule: cron, tz: timezone }, onTick);
	} catch (error) {
		return {
			ok: false,
			error: `cannot schedule "${cron}" in time zone ${timezone}: ${messageOf(error)}`,
		};
	}
	if (!job)
		return {
			ok: false,
			error: `"${cron}" is not a valid cron expression, or it never fires (time zone ${timezone})`,
		};
	const scheduled = job;
	let cancelled = false;
	return {
		ok: true,
		value: {
			next() {
				if (cancelled) return undefined;
				const at = scheduled.nextInvocation() as unknown as { toDate?: () => Date } | Date | null;
				if (!at) return undefined;
				return at instanceof Date ? at : at.toDate?.();
			},
			cancel() {
				if (cancelled) return;
				cancelled = true;
				scheduled.cancel();
			},
		},
	};
}
