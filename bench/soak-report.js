'use strict';
// Summarises a bench/soak.sh run: the gateway's VmRSS at the start of the load, the end and its
// peak, the least-squares slope over the second half of the load (steady = the fitted rise over the
// second half is below 5 % of the mean RSS there), Redis' memory, throughput, CPU and the checks
// (every response 2xx, no socket errors, every stored event delivered and trimmed). Prints markdown
// and writes SOAK_RESULTS_FILE. Exit code 1 when a check failed.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const env = process.env;
const samples = fs
	.readFileSync(env.SOAK_SAMPLES, 'utf8')
	.split('\n')
	.filter(Boolean)
	.map((l) => JSON.parse(l));
const wrkText = fs.readFileSync(env.SOAK_WRK, 'utf8');
const wrkLine = /^BENCH_RESULT (.*)$/m.exec(wrkText);
if (!wrkLine) {
	console.error(wrkText);
	console.error('soak: no BENCH_RESULT line in wrk output');
	process.exit(1);
}
const wrk = JSON.parse(wrkLine[1]);
const consumer = JSON.parse(fs.readFileSync(env.SOAK_CONSUMER, 'utf8'));
const clkTck = Number(env.SOAK_CLK_TCK || 100);
const minutes = Number(env.SOAK_MINUTES);

const mib = (kib) => Math.round((kib / 1024) * 10) / 10;
const r1 = (n) => Math.round(n * 10) / 10;
const r2 = (n) => Math.round(n * 100) / 100;

// samples[0] is taken before the load starts (idle); the load samples follow.
const idle = samples[0];
const load = samples.slice(1);
const first = load[0];
const last = load[load.length - 1];
const peak = load.reduce((a, s) => (s.rssKiB > a.rssKiB ? s : a), first);
const tEnd = last.t;
const secondHalf = load.filter((s) => s.t >= tEnd / 2);

function fit(points) {
	// Least squares: rss (MiB) = a + b * minutes.
	const n = points.length;
	const xs = points.map((s) => s.t / 60);
	const ys = points.map((s) => s.rssKiB / 1024);
	const mx = xs.reduce((a, b) => a + b, 0) / n;
	const my = ys.reduce((a, b) => a + b, 0) / n;
	let sxy = 0;
	let sxx = 0;
	for (let i = 0; i < n; i++) {
		sxy += (xs[i] - mx) * (ys[i] - my);
		sxx += (xs[i] - mx) ** 2;
	}
	const slope = sxx > 0 ? sxy / sxx : 0;
	const residuals = ys.map((y, i) => y - (my + slope * (xs[i] - mx)));
	const sd = Math.sqrt(residuals.reduce((a, r) => a + r * r, 0) / Math.max(1, n - 2));
	return { slopeMiBPerMin: slope, meanMiB: my, residualSdMiB: sd, spanMin: xs[n - 1] - xs[0], n };
}
const half = fit(secondHalf);
const riseMiB = half.slopeMiBPerMin * half.spanMin;
const STEADY_FRACTION = 0.05;
const steady = riseMiB < STEADY_FRACTION * half.meanMiB;

const cpu = (key) => r1(((last[key] - first[key]) / clkTck / (last.t - first.t)) * 100);
const machine = (s) => s.machineTicks.split(' ').map(Number);
const busy = machine(last)[0] - machine(first)[0];
const benchTicks = ['gatewayTicks', 'redisTicks', 'consumerTicks'].reduce(
	(a, k) => a + (last[k] - first[k]),
	0,
);
const redisPeakUsed = Math.max(...samples.map((s) => s.redisUsedBytes));
const redisPeakRss = Math.max(...samples.map((s) => s.redisRssBytes));
const streamPeak = Math.max(...samples.map((s) => s.streamLength));
const reqPerSec = wrk.requests / (wrk.durationUs / 1e6);

const failures = [];
if (wrk.non2xx3xx > 0) failures.push(`${wrk.non2xx3xx} responses were not 2xx/3xx`);
const sock = {
	connect: wrk.connectErrors,
	read: wrk.readErrors,
	write: wrk.writeErrors,
	timeout: wrk.timeouts,
};
if (Object.values(sock).some((n) => n > 0)) failures.push(`socket errors ${JSON.stringify(sock)}`);
// The consumer also delivered the one accepted probe: completed + 1 <= delivered <= sent + 1.
if (consumer.delivered < wrk.requests + 1 || consumer.delivered > wrk.sent + 1) {
	failures.push(
		`the consumer acknowledged ${consumer.delivered} events; wrk completed ${wrk.requests} and sent ${wrk.sent} requests (+1 probe)`,
	);
}
if (Number(env.SOAK_FINAL_STREAM) !== 0)
	failures.push(
		`${env.SOAK_FINAL_STREAM} events were left in the stream after the consumer stopped`,
	);

const result = {
	ok: failures.length === 0,
	failures,
	measuredAt: new Date().toISOString(),
	machine: {
		cpus: os.availableParallelism(),
		memoryGiB: Math.round(os.totalmem() / 2 ** 30),
		kernel: os.release(),
		node: process.version,
		redis: env.SOAK_REDIS_VERSION,
	},
	settings: {
		minutes,
		sampleSeconds: Number(env.SOAK_SAMPLE),
		connections: Number(env.SOAK_CONNECTIONS),
		threads: Number(env.SOAK_THREADS),
		machineBusyBeforePercent: Number(env.SOAK_BUSY_BEFORE),
	},
	throughput: {
		requests: wrk.requests,
		sent: wrk.sent,
		reqPerSec: r1(reqPerSec),
		p50Ms: wrk.p50Us / 1000,
		p99Ms: wrk.p99Us / 1000,
		delivered: consumer.delivered,
		consumerBatches: consumer.batches,
	},
	cpuPercentOfOneCore: {
		gateway: cpu('gatewayTicks'),
		redis: cpu('redisTicks'),
		consumer: cpu('consumerTicks'),
		otherIncludingWrk: r1(((busy - benchTicks) / clkTck / (last.t - first.t)) * 100),
	},
	gatewayRss: {
		idleMiB: mib(idle.rssKiB),
		startMiB: mib(first.rssKiB),
		endMiB: mib(last.rssKiB),
		peakMiB: mib(peak.rssKiB),
		peakAtSeconds: Math.round(peak.t),
		vmHwmEndMiB: mib(last.hwmKiB),
		secondHalf: {
			slopeMiBPerMin: r2(half.slopeMiBPerMin),
			fittedRiseMiB: r2(riseMiB),
			meanMiB: r1(half.meanMiB),
			residualSdMiB: r2(half.residualSdMiB),
			samples: half.n,
		},
		steady,
		steadyRule: `fitted rise over the second half < ${STEADY_FRACTION * 100} % of its mean RSS`,
	},
	redis: {
		peakUsedMemoryMiB: mib(redisPeakUsed / 1024),
		peakRssMiB: mib(redisPeakRss / 1024),
		peakStreamLength: streamPeak,
	},
	samples,
};

const fmt = (n, d = 1) =>
	n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const markdown = [
	`${minutes} min of wrk load (${result.settings.threads} thread(s) x ${result.settings.connections} connections) on the standalone gateway, VmRSS sampled every ${result.settings.sampleSeconds} s; ` +
		`a consumer acknowledged (and so trimmed) every event as it came.`,
	'',
	'| requests | req/s | p50 | p99 | delivered by the consumer | gateway CPU | Redis CPU | consumer CPU | other CPU (incl. wrk) |',
	'|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
	`| ${wrk.requests.toLocaleString('en-US')} | ${fmt(reqPerSec, 0)} | ${fmt(wrk.p50Us / 1000, 2)} ms | ${fmt(wrk.p99Us / 1000, 2)} ms | ${consumer.delivered.toLocaleString('en-US')} | ` +
		`${fmt(result.cpuPercentOfOneCore.gateway)} % | ${fmt(result.cpuPercentOfOneCore.redis)} % | ${fmt(result.cpuPercentOfOneCore.consumer)} % | ${fmt(result.cpuPercentOfOneCore.otherIncludingWrk)} % |`,
	'',
	'| gateway VmRSS | idle | first sample under load | end | peak (at) | slope, second half | fitted rise, second half | residual noise (sd) | steady |',
	'|---|---:|---:|---:|---:|---:|---:|---:|---|',
	`| MiB | ${fmt(result.gatewayRss.idleMiB)} | ${fmt(result.gatewayRss.startMiB)} | ${fmt(result.gatewayRss.endMiB)} | ${fmt(result.gatewayRss.peakMiB)} (${result.gatewayRss.peakAtSeconds} s) | ` +
		`${fmt(half.slopeMiBPerMin, 2)} MiB/min | ${fmt(riseMiB, 2)} MiB | ${fmt(half.residualSdMiB, 2)} MiB | ${steady ? 'yes' : '**no**'} |`,
	'',
	`Redis: peak used_memory ${fmt(result.redis.peakUsedMemoryMiB)} MiB (RSS ${fmt(result.redis.peakRssMiB)} MiB), peak stream length ${streamPeak.toLocaleString('en-US')} events in the samples.`,
	'',
	'RSS timeline (MiB, every sample): ' +
		load.map((s) => `${Math.round(s.t)}s ${fmt(mib(s.rssKiB), 0)}`).join(', '),
].join('\n');
result.markdown = markdown;
fs.mkdirSync(path.dirname(env.SOAK_RESULTS_FILE), { recursive: true });
fs.writeFileSync(env.SOAK_RESULTS_FILE, JSON.stringify(result, null, 2) + '\n');
console.log(markdown);
if (failures.length > 0) {
	console.error('\nsoak: FAILED checks:');
	for (const f of failures) console.error(`  - ${f}`);
	process.exitCode = 1;
} else {
	console.error(
		`\nsoak: checks passed: every response 2xx, no socket errors, ${consumer.delivered} events delivered and trimmed; results: ${env.SOAK_RESULTS_FILE}`,
	);
}
