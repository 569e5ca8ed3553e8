/**
 * Checks of the GCRA contract (docs/reliability.md "Limiter exactness") on accepted events: the event ids carry
 * Redis's clock in ms, so every window between two accepted events can be held against the bound
 * burst + floor(rate * window). Shared by the limiter tests and bench/limiter.ts.
 */

/** Redis times (ms) of the accepted answers `{"eventId":"<ms>-<seq>"}`, sorted. */
export function acceptedTimesMs(bodies: string[]): number[] {
	return bodies
		.map((b) => Number((JSON.parse(b) as { eventId: string }).eventId.split('-')[0]))
		.sort((a, b) => a - b);
}

export interface WorstWindow {
	/** Events in the window minus what the bound allows; <= 0 means the window is within the bound. */
	excess: number;
	fromMs: number;
	toMs: number;
	count: number;
}

/**
 * The window between two accepted events that exceeds burst + floor(rate * window) the most.
 * Windows are widened by 1 ms because ids are truncated to whole ms. Empty input: excess 0.
 */
export function worstWindow(timesMs: number[], rate: number, burst: number): WorstWindow {
	let worst: WorstWindow = {
		excess: timesMs.length === 0 ? 0 : -Infinity,
		fromMs: 0,
		toMs: 0,
		count: 0,
	};
	for (let i = 0; i < timesMs.length; i++) {
		for (let j = i; j < timesMs.length; j++) {
			const count = j - i + 1;
			const excess = count - (burst + Math.floor((rate * (timesMs[j] - timesMs[i] + 1)) / 1000));
			if (excess > worst.excess) worst = { excess, fromMs: timesMs[i], toMs: timesMs[j], count };
		}
	}
	return worst;
}
