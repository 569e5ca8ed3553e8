'use strict';
// Reads the runs bench/run.sh recorded (one JSON line per wrk run): checks that every target
// answered only 2xx without socket errors (timeouts included), that the gateways stored every
// request and that n8n ran one successful execution per request, prints markdown tables of the
// medians and the ratios against the targets, and writes everything to BENCH_RESULTS_FILE.
// Exit code 1 when a check failed.
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

const TARGETS = {
	http: { label: 'bare node:http (read body, JSON.parse, 202)', server: 'http', redis: false },
	gateway: {
		label: 'gateway, standalone, 1 process (HMAC verify + durable XADD)',
		server: 'gateway',
		redis: true,
	},
	'gateway-w2': { label: 'gateway, standalone, serve --workers 2', server: 'gateway', redis: true },
	'gateway-always': {
		label: 'gateway, standalone, 1 process, Redis appendfsync always',
		server: 'gateway',
		redis: true,
	},
	embedded: {
		label: 'gateway embedded in n8n (same, inside the n8n process)',
		server: 'n8n',
		redis: true,
	},
	bare: { label: 'bare express 5 (express.json, 202)', server: 'bare', redis: false },
	n8n: {
		label: 'n8n 2.41.1 Webhook node (respond immediately + NoOp)',
		server: 'n8n',
		redis: false,
	},
	ingress: {
		label: "gateway ingest on n8n's own port (Webhook Gateway Ingress node, no execution)",
		server: 'n8n',
		redis: true,
	},
};
const TARGET_VS_BARE = 0.8;
const TARGET_VS_N8N = 150;
const OTHER_LIMIT = 25;

function median(values) {
	const v = values.filter((x) => x !== null && !Number.isNaN(x)).sort((a, b) => a - b);
	if (v.length === 0) return NaN;
	const mid = Math.floor(v.length / 2);
	return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}
const round1 = (n) => Math.round(n * 10) / 10;
const round2 = (n) => Math.round(n * 100) / 100;
const round3 = (n) => Math.round(n * 1000) / 1000;

function enrich(run) {
	const w = run.wrk;
	const elapsedS = run.elapsedNs / 1e9;
	const cpu = (ticks) => round1((ticks / clkTck / elapsedS) * 100);
	const t = run.ticks;
	const server = TARGETS[run.target].server;
	const own = run.targetTicks; // the answering process(es) and the Redis of this target
	const n8nServer = server === 'n8n';
	const benchTicks =
		t.redis +
		(n8nServer ? 0 : own.server) +
		(own.redis !== t.redis ? own.redis : 0) +
		(t.n8nGroup ?? t.n8n ?? 0) +
		(t.helper ?? 0) +
		run.wrkCpuSeconds * clkTck;
	const serverCpu = cpu(n8nServer ? t.n8n : own.server);
	const reqPerSec = round1(w.requests / (w.durationUs / 1e6));
	// CPU time per request: per event stored for the gateways (every stored event is one accepted
	// request, also those wrk did not see answered), per completed request for the others.
	const handled = TARGETS[run.target].redis ? run.stored : w.requests;
	const usPer = (ticks) => (handled > 0 ? round1(((ticks / clkTck) * 1e6) / handled) : null);
	return {
		phase: run.phase,
		round: run.round,
		target: run.target,
		connections: run.connections,
		requests: w.requests,
		sent: w.sent,
		reqPerSec,
		p50Ms: w.p50Us / 1000,
		p90Ms: w.p90Us / 1000,
		p99Ms: w.p99Us / 1000,
		maxMs: w.maxUs / 1000,
		non2xx3xx: w.non2xx3xx,
		socketErrors: {
			connect: w.connectErrors,
			read: w.readErrors,
			write: w.writeErrors,
			timeout: w.timeouts,
		},
		cpuPercentOfOneCore: {
			server: serverCpu,
			gateway: cpu(t.gateway),
			redis: cpu(own.redis),
			bare: cpu(t.bare),
			/** n8n's main process (HTTP, webhooks, the embedded gateway, executions). */
			n8n: cpu(t.n8n ?? 0),
			/** n8n's whole process group: main process + its JS task runner. */
			n8nGroup: cpu(t.n8nGroup ?? 0),
			/** bench/n8n-targets.ts, which only reads n8n's log output meanwhile. */
			helper: cpu(t.helper ?? 0),
			wrk: round1((run.wrkCpuSeconds / elapsedS) * 100),
			// Everything else on the machine (other users' builds and tests, the kernel's own
			// threads): busy time of all CPUs minus the processes of the bench.
			other: Math.max(0, cpu(run.machineTicks.busy - benchTicks)),
			steal: cpu(run.machineTicks.steal),
		},
		cpuUsPerRequest: {
			server: usPer(n8nServer ? t.n8n : own.server),
			redis: TARGETS[run.target].redis ? usPer(own.redis) : null,
		},
		reqPerServerCpuSecond: serverCpu > 0 ? Math.round(reqPerSec / (serverCpu / 100)) : null,
		elapsedSeconds: round1(elapsedS),
		storedInRedis: run.stored,
		executions: run.executions
			? { ...run.executions, finishedPerSecond: round2(run.executions.finishedInWindow / elapsedS) }
			: null,
		// acceptEvent calls per socket read in Redis: how many requests the gateway writes per batch
		// (every socket read also counts, e.g. the bench's own redis-cli calls).
		redisScriptsPerRead:
			TARGETS[run.target].redis && run.redis && run.redis.reads > 0
				? round2(run.redis.scripts / run.redis.reads)
				: null,
		// Forks of Redis during the round (AOF rewrites: Redis answers nothing while it forks) and
		// how long the last one took.
		redisForks:
			TARGETS[run.target].redis && run.redis && run.redis.forks !== undefined
				? { count: run.redis.forks, lastForkMs: round1(run.redis.lastForkUs / 1000) }
				: null,
	};
}

const all = runs.map(enrich);
const failures = [];
for (const r of all) {
	const what = `${r.phase} round ${r.round} ${r.target}`;
	if (r.requests === 0) failures.push(`${what}: wrk completed no requests`);
	if (r.non2xx3xx > 0)
		failures.push(
			`${what}: ${r.non2xx3xx} responses were not 2xx/3xx (wrk "Non-2xx or 3xx responses")`,
		);
	const sock = Object.entries(r.socketErrors).filter(([, n]) => n > 0);
	if (sock.length > 0)
		failures.push(`${what}: socket errors ${sock.map(([k, n]) => `${k} ${n}`).join(', ')}`);
	if (TARGETS[r.target].redis) {
		// wrk counts completed responses; requests in flight when it stops (at most one per
		// connection) are still stored by the gateway. So: completed <= stored <= sent.
		if (r.storedInRedis === null || r.storedInRedis < r.requests || r.storedInRedis > r.sent) {
			failures.push(
				`${what}: Redis holds ${r.storedInRedis} events, wrk completed ${r.requests} and sent ${r.sent} requests`,
			);
		}
	}
	if (r.target === 'n8n') {
		const e = r.executions;
		if (!e) failures.push(`${what}: no execution count`);
		else {
			// One execution per request n8n received: at least every answered one, at most every sent one.
			if (e.total < r.requests || e.total > r.sent)
				failures.push(
					`${what}: n8n ran ${e.total} executions, wrk completed ${r.requests} and sent ${r.sent} requests`,
				);
			if (e.success !== e.total)
				failures.push(
					`${what}: ${e.total - e.success} of ${e.total} executions did not succeed (or did not finish within 120 s)`,
				);
		}
	}
}

const measured = all.filter((r) => r.phase === 'measure');
const present = Object.keys(TARGETS).filter((t) => measured.some((r) => r.target === t));
function summary(target) {
	const rs = measured.filter((r) => r.target === target);
	const pick = (f) => median(rs.map(f));
	const s = {
		rounds: rs.length,
		connections: rs[0]?.connections,
		reqPerSec: round1(pick((r) => r.reqPerSec)),
		p50Ms: round2(pick((r) => r.p50Ms)),
		p99Ms: round2(pick((r) => r.p99Ms)),
		cpuPercentOfOneCore: {
			server: round1(pick((r) => r.cpuPercentOfOneCore.server)),
			redis: round1(pick((r) => r.cpuPercentOfOneCore.redis)),
			n8nGroup: round1(pick((r) => r.cpuPercentOfOneCore.n8nGroup)),
			wrk: round1(pick((r) => r.cpuPercentOfOneCore.wrk)),
			other: round1(pick((r) => r.cpuPercentOfOneCore.other)),
			steal: round1(pick((r) => r.cpuPercentOfOneCore.steal)),
		},
		// Requests per CPU-second of the server process: less sensitive to other load than req/s.
		reqPerServerCpuSecond: Math.round(pick((r) => r.reqPerServerCpuSecond)),
		cpuUsPerRequest: {
			server: round1(pick((r) => r.cpuUsPerRequest.server)),
			redis: TARGETS[target].redis ? round1(pick((r) => r.cpuUsPerRequest.redis)) : null,
		},
		requests: rs.reduce((n, r) => n + r.requests, 0),
	};
	if (target === 'n8n') {
		s.executionsPerSecond = round2(pick((r) => r.executions?.finishedPerSecond ?? null));
		s.executions = rs.reduce((n, r) => n + (r.executions?.total ?? 0), 0);
	}
	return s;
}
const summaries = Object.fromEntries(present.map((t) => [t, summary(t)]));
for (const s of Object.values(summaries)) {
	// Accepts per second one Redis core could take at this Redis CPU per accept.
	if (s.cpuUsPerRequest.redis > 0)
		s.redisCeilingPerSecond = Math.round(1e6 / s.cpuUsPerRequest.redis);
}

// Every target against the bare node:http server of the same run: CPU per request (goal for the
// gateway <= 2x), req/s (goal >= 0.5x) and p99 latency (goal <= 3x).
const vsHttp = {};
const CPU_VS_HTTP = 2;
const P99_VS_HTTP = 3;
if (summaries.http) {
	const h = summaries.http;
	for (const t of present.filter((x) => x !== 'http')) {
		const s = summaries[t];
		const cpu = round2(s.cpuUsPerRequest.server / h.cpuUsPerRequest.server);
		const p99 = round2(s.p99Ms / h.p99Ms);
		vsHttp[t] = {
			cpuPerRequest: cpu,
			reqPerSec: round3(s.reqPerSec / h.reqPerSec),
			p99: p99,
			cpuGoal: CPU_VS_HTTP,
			cpuMet: cpu <= CPU_VS_HTTP,
			p99Goal: P99_VS_HTTP,
			p99Met: p99 <= P99_VS_HTTP,
		};
	}
}

const ratios = {};
for (const g of ['gateway', 'gateway-w2', 'gateway-always', 'embedded', 'ingress'].filter(
	(t) => summaries[t] && (summaries.bare || summaries.n8n),
)) {
	ratios[g] = {};
	if (summaries.bare) {
		const r = round3(summaries[g].reqPerSec / summaries.bare.reqPerSec);
		ratios[g].vsBare = {
			reqPerSec: r,
			perServerCpuSecond: round3(
				summaries[g].reqPerServerCpuSecond / summaries.bare.reqPerServerCpuSecond,
			),
			target: TARGET_VS_BARE,
			met: r >= TARGET_VS_BARE,
		};
	}
	if (summaries.n8n) {
		const r = round1(summaries[g].reqPerSec / summaries.n8n.reqPerSec);
		ratios[g].vsN8n = {
			reqPerSec: r,
			perServerCpuSecond: round1(
				summaries[g].reqPerServerCpuSecond / summaries.n8n.reqPerServerCpuSecond,
			),
			target: TARGET_VS_N8N,
			met: r >= TARGET_VS_N8N,
		};
	}
}

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
	n8n: present.some((t) => t === 'embedded' || t === 'n8n' || t === 'ingress')
		? '2.41.1 (Node 24, SQLite, default settings)'
		: undefined,
};
const settings = {
	targets: (env.BENCH_TARGETS || '').split(','),
	durationSeconds: Number(env.BENCH_DURATION),
	n8nDurationSeconds: Number(env.BENCH_N8N_DURATION),
	warmupSeconds: Number(env.BENCH_WARMUP),
	connections: Number(env.BENCH_CONNECTIONS),
	n8nConnections: Number(env.BENCH_N8N_CONNECTIONS),
	wrkTimeoutSeconds: Number(env.BENCH_WRK_TIMEOUT),
	threads: Number(env.BENCH_THREADS),
	rounds: Number(env.BENCH_ROUNDS),
	/** Node version of the standalone gateway (GATEWAY_NODE); the embedded gateway runs on n8n's Node 24. */
	gatewayNode: env.BENCH_GATEWAY_NODE_VERSION,
	gatewayStartedWith:
		env.BENCH_GATEWAY_MODE === 'cli'
			? 'node bin/webhook-gateway.js serve'
			: env.BENCH_GATEWAY_MODE === 'script'
				? 'node bench/start-gateway.js'
				: null,
	n8nStartSeconds:
		env.BENCH_N8N_START_SECONDS === 'null' ? null : Number(env.BENCH_N8N_START_SECONDS),
	profiling: env.BENCH_PROFILE === '1',
	payloadBytes: fs.statSync(path.join(__dirname, 'payload.json')).size,
	commit: env.BENCH_COMMIT,
	/** % of all CPUs busy with other work in the 3 s before measuring. */
	machineBusyBeforePercent: Number(env.BENCH_BUSY_BEFORE),
};

const fmt = (n, digits = 1) =>
	n === null || n === undefined || Number.isNaN(n)
		? '—'
		: n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ms = (n) => (n >= 1000 ? `${fmt(n / 1000, 2)} s` : `${fmt(n, 2)} ms`);
const n8nNote =
	present.includes('n8n') &&
	(settings.n8nDurationSeconds !== settings.durationSeconds ||
		settings.n8nConnections !== settings.connections)
		? ` (n8n target: ${settings.n8nDurationSeconds} s, ${settings.n8nConnections} connections)`
		: '';
const lines = [];
lines.push(
	`Median of ${settings.rounds} round(s) of ${settings.durationSeconds} s, wrk ${settings.threads} thread(s) x ${settings.connections} connections${n8nNote}, ` +
		`--timeout ${settings.wrkTimeoutSeconds}s, ${settings.payloadBytes}-byte signed GitHub push, ${machine.cpus} CPUs (${machine.cpuModel}), Node ${machine.node}` +
		(settings.gatewayNode && settings.gatewayNode !== machine.node
			? ` (standalone gateway on Node ${settings.gatewayNode})`
			: '') +
		`, Redis ${machine.redis}` +
		(machine.n8n ? `, n8n ${machine.n8n}` : '') +
		(settings.profiling ? ' — gateway under --cpu-prof, not comparable' : ''),
	'',
	'| target | req/s | p50 | p99 | server CPU | server CPU per request | Redis CPU | Redis CPU per accept (ceiling of one Redis core) | wrk CPU | other CPU | stolen CPU |',
	'|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
	...present.map((t) => {
		const s = summaries[t];
		const redis = TARGETS[t].redis;
		return (
			`| ${TARGETS[t].label} | ${fmt(s.reqPerSec, s.reqPerSec < 100 ? 1 : 0)} | ${ms(s.p50Ms)} | ${ms(s.p99Ms)} | ${fmt(s.cpuPercentOfOneCore.server)} % | ` +
			`${fmt(s.cpuUsPerRequest.server)} µs | ${redis ? `${fmt(s.cpuPercentOfOneCore.redis)} %` : '—'} | ` +
			`${redis ? `${fmt(s.cpuUsPerRequest.redis)} µs (${fmt(s.redisCeilingPerSecond, 0)}/s)` : '—'} | ${fmt(s.cpuPercentOfOneCore.wrk)} % | ${fmt(s.cpuPercentOfOneCore.other)} % | ${fmt(s.cpuPercentOfOneCore.steal)} % |`
		);
	}),
	'',
	`"server CPU" is the process that answers: the gateway, the bare app, or n8n's main process (embedded gateway and n8n's Webhook node). ` +
		`CPU is % of one core over the measured window (${machine.cpus} cores = ${machine.cpus * 100} %); "other" is everything else running on the machine meanwhile, ` +
		`"stolen" the time the hypervisor gave our virtual CPUs to other guests.`,
);
if (Object.keys(vsHttp).length > 0) {
	const x = (n) => `${fmt(n, 2)}×`;
	lines.push(
		'',
		`| against bare node:http, same run | server CPU per request (gateway goal <= ${CPU_VS_HTTP}×) | req/s | p99 (gateway goal <= ${P99_VS_HTTP}×) |`,
		'|---|---:|---:|---:|',
		...Object.entries(vsHttp).map(
			([t, r]) =>
				`| ${t} | ${x(r.cpuPerRequest)}${t.startsWith('gateway') ? (r.cpuMet ? ' met' : ' NOT met') : ''} | ${x(r.reqPerSec)} | ${x(r.p99)}${t.startsWith('gateway') ? (r.p99Met ? ' met' : ' NOT met') : ''} |`,
		),
	);
}
if (Object.keys(ratios).length > 0) {
	const cell = (r) =>
		r
			? `**${fmt(r.reqPerSec, r.reqPerSec >= 10 ? 0 : 2)}×** (${fmt(r.perServerCpuSecond, r.perServerCpuSecond >= 10 ? 0 : 2)}× per CPU-s): ${r.met ? 'met' : 'NOT met'}`
			: '—';
	lines.push(
		'',
		`| ratio (req/s; per server CPU-second) | vs bare express (target >= ${TARGET_VS_BARE}×) | vs n8n Webhook node (target >= ${TARGET_VS_N8N}×) |`,
		'|---|---|---|',
		...Object.entries(ratios).map(
			([g, r]) =>
				`| ${{ gateway: 'standalone gateway', 'gateway-w2': 'standalone gateway, 2 workers', 'gateway-always': 'standalone gateway, appendfsync always', embedded: 'embedded gateway', ingress: "ingress on n8n's port" }[g]} | ${cell(r.vsBare)} | ${cell(r.vsN8n)} |`,
		),
	);
}
if (summaries.n8n) {
	lines.push(
		'',
		`n8n's Webhook node: ${fmt(summaries.n8n.executionsPerSecond, 1)} executions/s finished during the measured windows (median; ` +
			`${summaries.n8n.executions} executions for ${summaries.n8n.requests} answered requests, all checked successful).`,
	);
}
lines.push(
	'',
	'Rounds:',
	'',
	'| round | target | req/s | p50 | p99 | server CPU | server µs/req | Redis CPU | other CPU | stolen CPU | stored or executions / completed / sent | acceptEvent calls per Redis read | Redis forks (AOF rewrites), last fork |',
	'|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|',
	...measured.map((r) => {
		const counted = TARGETS[r.target].redis
			? r.storedInRedis
			: r.target === 'n8n'
				? (r.executions?.total ?? '?')
				: null;
		return (
			`| ${r.round} | ${r.target} | ${fmt(r.reqPerSec, r.reqPerSec < 100 ? 1 : 0)} | ${ms(r.p50Ms)} | ${ms(r.p99Ms)} | ` +
			`${fmt(r.cpuPercentOfOneCore.server)} % | ${fmt(r.cpuUsPerRequest.server)} | ${TARGETS[r.target].redis ? `${fmt(r.cpuPercentOfOneCore.redis)} %` : '—'} | ${fmt(r.cpuPercentOfOneCore.other)} % | ${fmt(r.cpuPercentOfOneCore.steal)} % | ` +
			(counted === null
				? '— | —'
				: `${counted} / ${r.requests} / ${r.sent} | ${fmt(r.redisScriptsPerRead, 2)}`) +
			` | ${r.redisForks ? `${r.redisForks.count}, ${fmt(r.redisForks.lastForkMs, 1)} ms` : '—'}` +
			' |'
		);
	}),
);
const maxOther = Math.max(...measured.map((r) => r.cpuPercentOfOneCore.other));
// Stolen time: the hypervisor ran other guests on our virtual CPUs (a shared host).
const maxSteal = Math.max(...measured.map((r) => r.cpuPercentOfOneCore.steal));
const maxLost = Math.max(
	...measured.map((r) => r.cpuPercentOfOneCore.other + r.cpuPercentOfOneCore.steal),
);
if (maxLost > OTHER_LIMIT) {
	lines.splice(
		2,
		0,
		`**Warning:** other work on the machine used up to ${fmt(maxOther)} % of a core and the hypervisor stole up to ${fmt(maxSteal)} % of a core during the measured runs ` +
			`(together more than ${OTHER_LIMIT} % in a run); the servers, Redis and wrk got less CPU than the machine has, so these figures are lower, noisier and not representative.`,
		'',
	);
}
const disturbed = all.filter((r) => r.phase === 'disturbed');
if (disturbed.length > 0) {
	lines.push(
		'',
		`Measured again because the hypervisor stole more than MAX_STOLEN % of a core (left out above, kept in latest.json): ${disturbed
			.map(
				(r) =>
					`round ${r.round} ${r.target} (${fmt(r.reqPerSec, 0)} req/s, stolen ${fmt(r.cpuPercentOfOneCore.steal)} %)`,
			)
			.join('; ')}.`,
	);
}
const markdown = lines.join('\n');

const result = {
	ok: failures.length === 0,
	failures,
	measuredAt: new Date().toISOString(),
	machine,
	settings,
	summary: {
		targets: summaries,
		vsHttp,
		ratios,
		targetVsBare: TARGET_VS_BARE,
		targetVsN8n: TARGET_VS_N8N,
		maxOtherCpuPercent: maxOther,
		maxStolenCpuPercent: maxSteal,
		contended: maxLost > OTHER_LIMIT,
	},
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
	const gw = all.filter((r) => TARGETS[r.target].redis);
	const stored = gw.reduce((n, r) => n + r.storedInRedis, 0);
	const exact = gw.every((r) => r.storedInRedis === r.sent);
	const n8nRuns = all.filter((r) => r.target === 'n8n');
	console.error(
		`\nbench: checks passed: every response 2xx, no socket errors` +
			(gw.length
				? `, ${stored} gateway events found in Redis (completed <= stored <= sent in every run${exact ? '; stored = sent in every run' : ''})`
				: '') +
			(n8nRuns.length
				? `, ${n8nRuns.reduce((n, r) => n + r.executions.total, 0)} successful n8n executions (completed <= executions <= sent in every run)`
				: ''),
	);
}
