/**
 * Report step of the release benchmark: the sizes side by side (is the peak bounded by the batch
 * size?), set beside the executions/s of n8n's Webhook node from RELEASE_COMPARE; written as
 * markdown to stdout and as JSON to RELEASE_OUT.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
	BATCH,
	COMPARE,
	CONCURRENCY,
	log,
	OUT,
	PAYLOAD,
	ROOT,
	SAMPLE_MS,
	SIZES,
	TIMEOUT_MS,
	type SizeResult,
} from './config';

interface Comparison {
	source: string;
	measuredAt: string;
	executionsPerSecond: number;
	reqPerSec: number;
}
function webhookNodeFigures(): Comparison | undefined {
	try {
		const latest = JSON.parse(fs.readFileSync(COMPARE, 'utf8'));
		const n8n = latest?.summary?.targets?.n8n;
		if (!n8n || !(n8n.executionsPerSecond > 0)) return undefined;
		return {
			source: path.relative(ROOT, COMPARE),
			measuredAt: latest.measuredAt,
			executionsPerSecond: n8n.executionsPerSecond,
			reqPerSec: n8n.reqPerSec,
		};
	} catch {
		return undefined;
	}
}

/** Prints the markdown table and writes the JSON file. @param started ms epoch of the run's start */
export function report(results: SizeResult[], started: number): void {
	const compare = webhookNodeFigures();
	const bySize = [...results].sort((a, b) => a.events - b.events);
	const small = bySize[0]!;
	const large = bySize[bySize.length - 1]!;
	const backlogRatio = large.events / small.events;
	const peakRatio = large.memory.peakRssMiB / small.memory.peakRssMiB;
	const deltaRatio = large.memory.peakOverBaselineMiB / small.memory.peakOverBaselineMiB;
	// Bounded: a 5x backlog must not raise the peak by more than a quarter (noise, GC timing).
	const bounded = bySize.length < 2 || peakRatio <= 1.25;

	const fmt = (n: number, d = 0) =>
		n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
	const lines = [
		`Batch Trigger release, ${BATCH} events per execution (one item per event, Webhook Batch Trigger -> NoOp), n8n 2.41.1 (Node 24, SQLite, defaults), a fresh n8n per backlog; ` +
			`events buffered with acceptEvent (${PAYLOAD.length}-byte GitHub push + its headers).`,
		'',
		'| backlog | executions | release (first start → last end) | events/s delivered | executions/s | n8n VmRSS before | peak VmRSS (200 ms samples) | VmHWM | peak − before | VmRSS slope, 2nd half of the release |',
		'|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
		...bySize.map(
			(r) =>
				`| ${fmt(r.events)} | ${r.executions} | ${fmt(r.releaseSeconds, 1)} s | ${fmt(r.eventsPerSecond)} | ${fmt(r.executionsPerSecond, 2)} | ${fmt(r.memory.baselineRssMiB)} MiB | ` +
				`${fmt(r.memory.peakRssMiB)} MiB | ${fmt(r.memory.hwmMiB)} MiB | ${fmt(r.memory.peakOverBaselineMiB)} MiB | ` +
				`${r.memory.secondHalfSlopeMiBPer10kEvents === null ? '— (too short)' : `${fmt(r.memory.secondHalfSlopeMiBPer10kEvents, 1)} MiB per 10k events`} |`,
		),
		'',
	];
	if (bySize.length >= 2) {
		lines.push(
			`Backlog ×${fmt(backlogRatio, 1)} (${fmt(small.events)} → ${fmt(large.events)}) → peak VmRSS ×${fmt(peakRatio, 2)} (${fmt(small.memory.peakRssMiB)} → ${fmt(large.memory.peakRssMiB)} MiB): ` +
				(bounded
					? 'bounded by the batch size, not by the backlog'
					: '**grows with the backlog** (more than ×1.25)') +
				`. "peak − before" depends on where V8's heap stood at the start (a fresh n8n shrinks its heap some seconds after start-up); the peak itself is the figure to compare.`,
			'',
		);
	}
	if (compare) {
		lines.push(
			`n8n's own Webhook node (${compare.source}, ${compare.measuredAt}): ${fmt(compare.executionsPerSecond, 1)} executions/s (${fmt(compare.reqPerSec, 1)} req/s), one event each. ` +
				`Events delivered into workflows per second by the Batch Trigger, against that: ` +
				bySize
					.map(
						(r) =>
							`${fmt(r.events)} backlog ${fmt(r.eventsPerSecond)}/s = **${fmt(r.eventsPerSecond / compare.executionsPerSecond, 0)}×**`,
					)
					.join('; ') +
				'.',
		);
	} else {
		lines.push(
			`(No n8n Webhook node figure in ${path.relative(ROOT, COMPARE)}: run \`bash bench/run.sh\` with the n8n target first, or RELEASE=1 bash bench/run.sh.)`,
		);
	}
	const markdown = lines.join('\n');
	fs.mkdirSync(path.dirname(OUT), { recursive: true });
	fs.writeFileSync(
		OUT,
		JSON.stringify(
			{
				measuredAt: new Date().toISOString(),
				machine: {
					cpus: os.availableParallelism(),
					memoryGiB: Math.round(os.totalmem() / 2 ** 30),
					kernel: os.release(),
					node: process.version,
				},
				settings: {
					sizes: SIZES,
					batch: BATCH,
					concurrency: CONCURRENCY,
					sampleMs: SAMPLE_MS,
					timeoutMin: TIMEOUT_MS / 60_000,
				},
				results,
				comparison: {
					backlogRatio,
					peakRatio,
					peakOverBaselineRatio: deltaRatio,
					bounded,
					webhookNode: compare ?? null,
				},
				totalSeconds: Math.round((Date.now() - started) / 1000),
				markdown,
			},
			null,
			2,
		) + '\n',
	);
	console.log(markdown);
	log(
		`results: ${path.relative(ROOT, OUT)} (${Math.round((Date.now() - started) / 1000)} s in all)`,
	);
}
