/**
 * Measuring steps of the release benchmark: n8n's resident memory from /proc (VmRSS, VmHWM), the
 * idle baseline, the sampler during the release, and the figures drawn from the samples.
 */
import fs from 'node:fs';
import { sleep } from './config';

export interface Memory {
	rssKiB: number;
	hwmKiB: number;
}
export function memoryOf(pid: number): Memory {
	const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
	const field = (name: string) =>
		Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
	return { rssKiB: field('VmRSS'), hwmKiB: field('VmHWM') };
}
/** Resets VmHWM to the current RSS (Linux >= 4.0). @returns whether it worked. */
export function resetPeak(pid: number): boolean {
	try {
		fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
		return true;
	} catch {
		return false;
	}
}
export const mib = (kib: number) => Math.round((kib / 1024) * 10) / 10;
export function medianOf(values: number[]): number {
	const v = [...values].sort((a, b) => a - b);
	const mid = Math.floor(v.length / 2);
	return v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

/**
 * n8n's idle VmRSS, KiB. A freshly started n8n shrinks its heap some seconds after start-up (V8's
 * memory reducer: ~720 -> ~480 MiB here), so wait until 5 s of samples agree within 2 % (at least
 * 10 s, at most 60 s), then take their median.
 */
export async function idleBaselineKiB(pid: number): Promise<number> {
	const baseline: number[] = [];
	const idleSince = Date.now();
	for (;;) {
		baseline.push(memoryOf(pid).rssKiB);
		const window = baseline.slice(-25);
		const spread = (Math.max(...window) - Math.min(...window)) / medianOf(window);
		if (
			(Date.now() - idleSince >= 10_000 && window.length === 25 && spread < 0.02) ||
			Date.now() - idleSince >= 60_000
		)
			break;
		await sleep(200);
	}
	return medianOf(baseline.slice(-25));
}

export interface Sample {
	/** ms since activation. */
	t: number;
	rssKiB: number;
	hwmKiB: number;
}

/** Samples `pid`'s memory every `everyMs` into `samples` until `stop()`. */
export function sampleMemory(
	pid: number,
	since: number,
	everyMs: number,
): { samples: Sample[]; stop(): void } {
	const samples: Sample[] = [];
	const timer = setInterval(() => {
		try {
			samples.push({ t: Date.now() - since, ...memoryOf(pid) });
		} catch {
			// n8n went away: the release loop notices
		}
	}, everyMs);
	return { samples, stop: () => clearInterval(timer) };
}

/** [seconds since activation, VmRSS MiB], about one a second, for a plot. */
export function rssTimeline(samples: Sample[]): [number, number][] {
	const timeline: [number, number][] = [];
	let nextT = 0;
	for (const s of samples) {
		if (s.t >= nextT) {
			timeline.push([Math.round(s.t / 100) / 10, mib(s.rssKiB)]);
			nextT = s.t + 1000;
		}
	}
	return timeline;
}

/**
 * Growth while the release ran: least-squares slope of VmRSS over the second half of the release
 * window (ms since activation), per 10,000 events delivered (about 0 when memory has levelled
 * off); null when fewer than 10 samples fall in it.
 */
export function secondHalfSlopePer10k(
	samples: Sample[],
	relStart: number,
	relEnd: number,
	eventsPerSecond: number,
): number | null {
	const secondHalf = samples.filter((x) => x.t >= (relStart + relEnd) / 2 && x.t <= relEnd);
	if (secondHalf.length < 10) return null;
	const xs = secondHalf.map((x) => x.t / 1000);
	const ys = secondHalf.map((x) => x.rssKiB / 1024);
	const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
	const my = ys.reduce((a, b) => a + b, 0) / ys.length;
	let sxy = 0;
	let sxx = 0;
	xs.forEach((x, i) => {
		sxy += (x - mx) * (ys[i]! - my);
		sxx += (x - mx) ** 2;
	});
	const mibPerSecond = sxx > 0 ? sxy / sxx : 0;
	return Math.round(((mibPerSecond * 10_000) / eventsPerSecond) * 10) / 10;
}
