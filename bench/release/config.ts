/**
 * The release benchmark's knobs (environment variables, see bench/release.ts) and the shape of
 * one backlog size's result.
 */
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const log = (message: string) => console.error(`release: ${message}`);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function intEnv(name: string, fallback: number): number {
	const raw = process.env[name];
	if (raw === undefined || raw === '') return fallback;
	const n = Number(raw);
	if (!Number.isInteger(n) || n < 1)
		throw new Error(`${name} must be a whole number >= 1, got '${raw}'`);
	return n;
}
/** Backlog sizes, events (RELEASE_EVENTS). */
export const SIZES = (process.env.RELEASE_EVENTS ?? '20000,100000,300000').split(',').map((s) => {
	const n = Number(s.trim());
	if (!Number.isInteger(n) || n < 1)
		throw new Error(`RELEASE_EVENTS must list whole numbers, got '${s}'`);
	return n;
});
export const BATCH = intEnv('RELEASE_BATCH', 1000);
export const CONCURRENCY = intEnv('RELEASE_CONCURRENCY', 256);
export const SAMPLE_MS = intEnv('RELEASE_SAMPLE_MS', 200);
export const TIMEOUT_MS = intEnv('RELEASE_TIMEOUT_MIN', 15) * 60_000;
export const COMPARE =
	process.env.RELEASE_COMPARE ?? path.join(ROOT, 'bench', 'results', 'latest.json');
export const OUT =
	process.env.RELEASE_OUT ?? path.join(ROOT, 'bench', 'results', 'latest-release.json');
export const PAYLOAD = fs.readFileSync(path.join(ROOT, 'bench', 'payload.json'));

export interface SizeResult {
	events: number;
	batch: number;
	bufferSeconds: number;
	bufferEventsPerSecond: number;
	redisUsedMemoryMiB: number;
	executions: number;
	itemsFirst: number;
	itemsLast: number;
	/** Activation to the first execution's start (the trigger checks for waiting events every 3 s). */
	activationToFirstStartSeconds: number;
	/** First execution's start to the last one's end. */
	releaseSeconds: number;
	eventsPerSecond: number;
	executionsPerSecond: number;
	memory: {
		baselineRssMiB: number;
		peakRssMiB: number;
		/** VmHWM at the end: the kernel's peak since the reset before activation (or since n8n started). */
		hwmMiB: number;
		hwmSince: 'reset before activation' | 'n8n start';
		peakOverBaselineMiB: number;
		endRssMiB: number;
		samples: number;
		/** VmRSS slope over the second half of the release, MiB per 10,000 events (null: too short to tell). */
		secondHalfSlopeMiBPer10kEvents: number | null;
	};
	/** [seconds since activation, VmRSS MiB], every ~1 s, for a plot. */
	rssTimeline: [number, number][];
}
