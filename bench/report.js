'use strict';
// Summarises the runs bench/run.sh recorded (one JSON line per wrk run): checks that the gateway
// answered only 2xx without socket errors and stored every request, prints a markdown table of the
// medians and writes everything to BENCH_RESULTS_FILE. Exit code 1 when a check failed.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const env = process.env;
const runs = fs
	.readFileSync(env.BENCH_RUNS, 'utf8')
	.split('\n')
	.filter(Boolean)
	.map((line) => JSON.parse(line));
const clkTck = Number(env.BENCH_CLK_TCK || 100);

function median(values) {
	const v = [...values].sort((a, b) => a - b);
	if (v.length === 0) return NaN;
	const mid = Math.floor(v.length / 2);
	return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}
const round1 = (n) => Math.round(n * 10) / 10;
const round2 = (n) => Math.round(n * 100) / 100;

function enrich(run) {
	const w = run.wrk;
	const elapsedS = run.elapsedNs / 1e9;
	const cpu = (ticks) => round1((ticks / clkTck / elapsedS) * 100);
	return {
		phase: run.phase,
		round: run.round,
		target: run.target,
		requests: w.requests,
		sent: w.sent,
		reqPerSec: round1(w.requests / (w.durationUs / 1e6)),
		p50Ms: w.p50Us / 1000,
		p90Ms: w.p90Us / 1000,
		p99Ms: w.p99Us / 1000,
		maxMs: w.maxUs / 1000,
		non2xx3xx: w.non2xx3xx,
		socketErrors: { connect: w.connectErrors, read: w.readErrors, write: w.writeErrors, timeout: w.timeouts },
		cpuPercentOfOneCore: {
			gateway: cpu(run.ticks.gateway),
			redis: cpu(run.ticks.redis),
			bare: cpu(run.ticks.bare),
			wrk: round1((run.wrkCpuSeconds / elapsedS) * 100),
			// Everything else on the machine (other users' builds and tests, the kernel's own
			// threads): busy time of all CPUs minus the four processes of the bench.
			other: Math.max(0, cpu(run.machineTicks.busy - run.ticks.gateway - run.ticks.redis - run.ticks.bare - run.wrkCpuSeconds * clkTck)),
			steal: cpu(run.machineTicks.steal),
		},
		elapsedSeconds: round1(elapsedS),
		storedInRedis: run.stored,
		// acceptEvent calls per socket read in Redis: how many requests ioredis's auto-pipelining
		// sends per batch (every socket read also counts, e.g. the bench's own redis-cli calls).
		redisScriptsPerRead: run.redis && run.redis.reads > 0 ? Math.round((run.redis.scripts / run.redis.reads) * 100) / 100 : null,
	};
}

const all = runs.map(enrich);
const failures = [];
for (const r of all) {
	const what = `${r.phase} round ${r.round} ${r.target}`;
	if (r.requests === 0) failures.push(`${what}: wrk completed no requests`);
	if (r.non2xx3xx > 0) failures.push(`${what}: ${r.non2xx3xx} responses were not 2xx/3xx (wrk "Non-2xx or 3xx responses")`);
	const sock = Object.entries(r.socketErrors).filter(([, n]) => n > 0);
	if (sock.length > 0) failures.push(`${what}: socket errors ${sock.map(([k, n]) => `${k} ${n}`).join(', ')}`);
	if (r.target === 'gateway') {
		// wrk counts completed responses; requests in flight when it stops (at most one per
		// connection) are still stored by the gateway. So: completed <= stored <= sent.
		if (r.storedInRedis === null || r.storedInRedis < r.requests || r.storedInRedis > r.sent) {
			failures.push(`${what}: Redis holds ${r.storedInRedis} events, wrk completed ${r.requests} and sent ${r.sent} requests`);
		}
	}
}

const measured = all.filter((r) => r.phase === 'measure');
function summary(target) {
	const rs = measured.filter((r) => r.target === target);
	const pick = (f) => median(rs.map(f));
	return {
		rounds: rs.length,
		reqPerSec: round1(pick((r) => r.reqPerSec)),
		p50Ms: round2(pick((r) => r.p50Ms)),
		p99Ms: round2(pick((r) => r.p99Ms)),
		cpuPercentOfOneCore: {
			server: round1(pick((r) => r.cpuPercentOfOneCore[target === 'gateway' ? 'gateway' : 'bare'])),
			redis: round1(pick((r) => r.cpuPercentOfOneCore.redis)),
			wrk: round1(pick((r) => r.cpuPercentOfOneCore.wrk)),
			other: round1(pick((r) => r.cpuPercentOfOneCore.other)),
		},
		// Requests per CPU-second of the server process: less sensitive to other load than req/s.
		reqPerServerCpuSecond: Math.round(
			pick((r) => r.reqPerSec / (r.cpuPercentOfOneCore[target === 'gateway' ? 'gateway' : 'bare'] / 100)),
		),
		requests: rs.reduce((n, r) => n + r.requests, 0),
	};
}
const gateway = summary('gateway');
const bare = summary('bare');
const ratio = Math.round((gateway.reqPerSec / bare.reqPerSec) * 1000) / 1000;
const cpuRatio = Math.round((gateway.reqPerServerCpuSecond / bare.reqPerServerCpuSecond) * 1000) / 1000;
const TARGET_RATIO = 0.8;

const cpuModel = (() => {
	try {
		const m = /^model name\s*:\s*(.*)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'));
		return m ? m[1].trim() : os.cpus()[0]?.model;
	} catch {
		return os.cpus()[0]?.model;
	}
})();
const machine = {
	cpus: os.availableParallelism(),
	cpuModel,
	memoryGiB: Math.round(os.totalmem() / 2 ** 30),
	kernel: os.release(),
	node: process.version,
	redis: env.BENCH_REDIS_VERSION,
	wrk: env.BENCH_WRK_VERSION,
};
const settings = {
	durationSeconds: Number(env.BENCH_DURATION),
	warmupSeconds: Number(env.BENCH_WARMUP),
	connections: Number(env.BENCH_CONNECTIONS),
	threads: Number(env.BENCH_THREADS),
	rounds: Number(env.BENCH_ROUNDS),
	gatewayStartedWith: env.BENCH_GATEWAY_MODE === 'cli' ? 'node bin/webhook-gateway.js serve' : 'node bench/start-gateway.js',
	profiling: env.BENCH_PROFILE === '1',
	payloadBytes: fs.statSync(path.join(__dirname, 'payload.json')).size,
	commit: env.BENCH_COMMIT,
	/** % of all CPUs busy with other work in the 3 s before measuring. */
	machineBusyBeforePercent: Number(env.BENCH_BUSY_BEFORE),
};

const fmt = (n, digits = 1) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const lines = [];
lines.push(
	`Median of ${settings.rounds} round(s) of ${settings.durationSeconds} s, wrk ${settings.threads} thread(s) x ${settings.connections} connections, ` +
		`${settings.payloadBytes}-byte signed GitHub push, ${machine.cpus} CPUs (${machine.cpuModel}), Node ${machine.node}, Redis ${machine.redis}` +
		(settings.profiling ? ' — gateway under --cpu-prof, not comparable' : ''),
	'',
	'| target | req/s | p50 | p99 | server CPU | req per server CPU-second | Redis CPU | wrk CPU | other CPU |',
	'|---|---:|---:|---:|---:|---:|---:|---:|---:|',
	`| gateway (HMAC verify + durable XADD) | ${fmt(gateway.reqPerSec, 0)} | ${fmt(gateway.p50Ms, 2)} ms | ${fmt(gateway.p99Ms, 2)} ms | ${fmt(gateway.cpuPercentOfOneCore.server)} % | ${fmt(gateway.reqPerServerCpuSecond, 0)} | ${fmt(gateway.cpuPercentOfOneCore.redis)} % | ${fmt(gateway.cpuPercentOfOneCore.wrk)} % | ${fmt(gateway.cpuPercentOfOneCore.other)} % |`,
	`| bare express 5 (express.json, 202) | ${fmt(bare.reqPerSec, 0)} | ${fmt(bare.p50Ms, 2)} ms | ${fmt(bare.p99Ms, 2)} ms | ${fmt(bare.cpuPercentOfOneCore.server)} % | ${fmt(bare.reqPerServerCpuSecond, 0)} | — | ${fmt(bare.cpuPercentOfOneCore.wrk)} % | ${fmt(bare.cpuPercentOfOneCore.other)} % |`,
	'',
	`Gateway / bare: **${fmt(ratio, 2)}x** req/s (target >= ${TARGET_RATIO}x: ${ratio >= TARGET_RATIO ? 'met' : 'NOT met'}); ` +
		`${fmt(cpuRatio, 2)}x per server CPU-second. CPU is % of one core over the measured window ` +
		`(${machine.cpus} cores = ${machine.cpus * 100} %); "other" is everything else running on the machine meanwhile.`,
	'',
	'Rounds:',
	'',
	'| round | target | req/s | p50 | p99 | server CPU | Redis CPU | other CPU | stored / completed / sent | acceptEvent calls per Redis read |',
	'|---:|---|---:|---:|---:|---:|---:|---:|---|---:|',
	...measured.map(
		(r) =>
			`| ${r.round} | ${r.target} | ${fmt(r.reqPerSec, 0)} | ${fmt(r.p50Ms, 2)} ms | ${fmt(r.p99Ms, 2)} ms | ` +
			`${fmt(r.cpuPercentOfOneCore[r.target === 'gateway' ? 'gateway' : 'bare'])} % | ${fmt(r.cpuPercentOfOneCore.redis)} % | ${fmt(r.cpuPercentOfOneCore.other)} % | ` +
			(r.target === 'gateway' ? `${r.storedInRedis} / ${r.requests} / ${r.sent} | ${fmt(r.redisScriptsPerRead ?? NaN, 2)}` : '— | —') +
			' |',
	),
);
const maxOther = Math.max(...measured.map((r) => r.cpuPercentOfOneCore.other));
const OTHER_LIMIT = 25;
if (maxOther > OTHER_LIMIT) {
	lines.splice(
		2,
		0,
		`**Warning:** other work on the machine used up to ${fmt(maxOther)} % of a core during the measured runs (more than ${OTHER_LIMIT} %); ` +
			'the servers, Redis and wrk got less CPU than the machine has, so these figures are lower, noisier and not representative.',
		'',
	);
}
const markdown = lines.join('\n');

const result = {
	ok: failures.length === 0,
	failures,
	measuredAt: new Date().toISOString(),
	machine,
	settings,
	summary: { gateway, bare, ratio, ratioPerServerCpuSecond: cpuRatio, targetRatio: TARGET_RATIO, targetMet: ratio >= TARGET_RATIO, maxOtherCpuPercent: maxOther, contended: maxOther > OTHER_LIMIT },
	runs: all,
	markdown,
};
fs.mkdirSync(path.dirname(env.BENCH_RESULTS_FILE), { recursive: true });
fs.writeFileSync(env.BENCH_RESULTS_FILE, JSON.stringify(result, null, 2) + '\n');

console.log(markdown);
if (failures.length > 0) {
	console.error('\nbench: FAILED checks:');
	for (const f of failures) console.error(`  - ${f}`);
	process.exitCode = 1;
} else {
	const gw = all.filter((r) => r.target === 'gateway');
	const stored = gw.reduce((n, r) => n + r.storedInRedis, 0);
	const exact = gw.every((r) => r.storedInRedis === r.sent);
	console.error(
		`\nbench: checks passed: every response 2xx, no socket errors, ${stored} gateway events found in Redis ` +
			`(completed <= stored <= sent in every run${exact ? '; stored = sent in every run' : ''})`,
	);
}
