'use strict';
// Preload (`node --require bench/profile-hook.js`, or through NODE_OPTIONS for n8n) that CPU-profiles
// a process only while asked to: SIGUSR2 starts V8's sampling profiler, the next SIGUSR2 stops it
// and writes `<WGW_PROFILE_DIR>/<pid>-<n>.cpuprofile`. Unlike `--cpu-prof`, which covers a whole
// life (n8n's start-up dominates it), this covers exactly a load window chosen from outside
// (bench/profile-load.sh). Nothing runs until the first signal.
const fs = require('node:fs');
const path = require('node:path');
const inspector = require('node:inspector');

const dir = process.env.WGW_PROFILE_DIR || process.cwd();
const intervalUs = Number(process.env.WGW_PROFILE_INTERVAL_US || 500);
let session;
let count = 0;

function post(method, params) {
	return new Promise((resolve, reject) =>
		session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
	);
}

// GC pauses on the main thread by kind, and CPU of every thread of the process (V8's GC helpers,
// libuv's pool ...), over the same window as the profile.
const { PerformanceObserver, constants: perfConstants } = require('node:perf_hooks');
const gcKinds = {
	[perfConstants.NODE_PERFORMANCE_GC_MINOR]: 'minor (scavenge)',
	[perfConstants.NODE_PERFORMANCE_GC_MAJOR]: 'major (mark-compact)',
	[perfConstants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental marking',
	[perfConstants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
};
const gcFlags = Object.entries(perfConstants)
	.filter(([k, v]) => k.startsWith('NODE_PERFORMANCE_GC_FLAGS_') && v > 0)
	.map(([k, v]) => [k.slice('NODE_PERFORMANCE_GC_FLAGS_'.length), v]);
let gc;
let gcObserver;
let threadsAtStart;

function threadTicks() {
	const ticks = {};
	for (const tid of fs.readdirSync('/proc/self/task')) {
		try {
			const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
			const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			ticks[`${tid} ${name}`] = Number(fields[11]) + Number(fields[12]);
		} catch {
			// the thread ended meanwhile
		}
	}
	return ticks;
}

function startWindow() {
	gc = {};
	gcObserver = new PerformanceObserver((list) => {
		for (const entry of list.getEntries()) {
			const kind = gcKinds[entry.detail?.kind ?? entry.kind] ?? String(entry.detail?.kind);
			const k = (gc[kind] ??= { count: 0, ms: 0 });
			k.count++;
			k.ms += entry.duration;
			// Why V8 collected (e.g. external memory pressure, forced): perf_hooks' flag bits.
			for (const [name, bit] of gcFlags)
				if ((entry.detail?.flags ?? entry.flags) & bit)
					(k.flags ??= {})[name] = (k.flags[name] ?? 0) + 1;
		}
	});
	gcObserver.observe({ entryTypes: ['gc'] });
	threadsAtStart = threadTicks();
}

function endWindow(file) {
	gcObserver.disconnect();
	const end = threadTicks();
	const threads = {};
	for (const [k, v] of Object.entries(end)) {
		const d = v - (threadsAtStart[k] ?? 0);
		if (d > 0) threads[k] = d;
	}
	fs.writeFileSync(
		file.replace(/\.cpuprofile$/, '.window.json'),
		JSON.stringify(
			{ gc, threadTicks: threads, heap: require('node:v8').getHeapStatistics() },
			null,
			1,
		),
	);
}

// WGW_PROFILE_KIND: cpu (V8's sampling CPU profiler, <pid>-<n>.cpuprofile), alloc (sampling heap
// profiler, every allocation, <pid>-<n>.heapprofile) or promoted (the same, but only objects that
// survived the young generation: what ends up in the old generation and costs full GCs later).
const kind = process.env.WGW_PROFILE_KIND || 'cpu';

async function toggle() {
	if (!session) {
		startWindow();
		session = new inspector.Session();
		session.connect();
		if (kind === 'cpu') {
			await post('Profiler.enable');
			await post('Profiler.setSamplingInterval', { interval: intervalUs });
			await post('Profiler.start');
		} else {
			await post('HeapProfiler.enable');
			await post('HeapProfiler.startSampling', {
				samplingInterval: Number(process.env.WGW_HEAP_SAMPLING_BYTES || 4096),
				includeObjectsCollectedByMinorGC: kind === 'alloc',
				includeObjectsCollectedByMajorGC: true,
			});
		}
		return;
	}
	const { profile } =
		kind === 'cpu' ? await post('Profiler.stop') : await post('HeapProfiler.stopSampling');
	session.disconnect();
	session = undefined;
	const file = path.join(dir, `${process.pid}-${++count}.cpuprofile`);
	fs.mkdirSync(dir, { recursive: true });
	fs.writeFileSync(
		kind === 'cpu' ? file : file.replace(/\.cpuprofile$/, '.heapprofile'),
		JSON.stringify(profile),
	);
	endWindow(file);
}

process.on('SIGUSR2', () => {
	toggle().catch((error) => process.stderr.write(`profile-hook: ${error && error.message}\n`));
});

// ---- what else hooks into this process (written next to the first profile as <pid>-hooks.json) ----
// Records who enables async_hooks (every enabled hook with an init callback makes Node give every
// promise and nextTick an async id and call it), subscribes to diagnostics channels or installs V8
// promise hooks, and whether node:http/net/crypto functions are still Node's own.
const asyncHooks = require('node:async_hooks');
const dc = require('node:diagnostics_channel');
const v8 = require('node:v8');
const recorded = { asyncHooks: [], promiseHooks: [], channels: [] };
const where = () =>
	new Error().stack
		.split('\n')
		.slice(3, 12)
		.map((l) => l.trim());

const createHook = asyncHooks.createHook;
asyncHooks.createHook = function (callbacks) {
	const hook = createHook.call(this, callbacks);
	const entry = {
		callbacks: Object.keys(callbacks || {}),
		created: where(),
		enabled: 0,
		disabled: 0,
	};
	recorded.asyncHooks.push(entry);
	const enable = hook.enable;
	const disable = hook.disable;
	hook.enable = function () {
		entry.enabled++;
		entry.enabledAt ??= where();
		return enable.call(this);
	};
	hook.disable = function () {
		entry.disabled++;
		return disable.call(this);
	};
	return hook;
};
if (v8.promiseHooks) {
	for (const kind of ['onInit', 'onBefore', 'onAfter', 'onSettled', 'createHook']) {
		const original = v8.promiseHooks[kind];
		v8.promiseHooks[kind] = function (...args) {
			recorded.promiseHooks.push({ kind, at: where() });
			return original.apply(this, args);
		};
	}
}
const subscribe = dc.Channel.prototype.subscribe;
dc.Channel.prototype.subscribe = function (fn) {
	recorded.channels.push({ channel: String(this.name), at: where() });
	return subscribe.call(this, fn);
};
const dcSubscribe = dc.subscribe;
dc.subscribe = function (name, fn) {
	recorded.channels.push({
		channel: String(name),
		via: 'diagnostics_channel.subscribe',
		at: where(),
	});
	return dcSubscribe.call(this, name, fn);
};

const http = require('node:http');
const net = require('node:net');
const crypto = require('node:crypto');
const { EventEmitter } = require('node:events');
/** The functions instrumentation libraries usually wrap, as they are now. */
const current = () => ({
	'http.Server.prototype.emit': http.Server.prototype.emit,
	'http.createServer': http.createServer,
	'http.request': http.request,
	'http.ServerResponse.prototype.writeHead': http.ServerResponse.prototype.writeHead,
	'http.ServerResponse.prototype.end': http.ServerResponse.prototype.end,
	'net.Socket.prototype.write': net.Socket.prototype.write,
	'net.Socket.prototype.connect': net.Socket.prototype.connect,
	'net.Socket.prototype.setTimeout': net.Socket.prototype.setTimeout,
	'crypto.createHmac': crypto.createHmac,
	'EventEmitter.prototype.emit': EventEmitter.prototype.emit,
	'process.nextTick': process.nextTick,
	'Promise.prototype.then': Promise.prototype.then,
	'global.setTimeout': global.setTimeout,
	'Error.prepareStackTrace': Error.prepareStackTrace,
	'Error.captureStackTrace': Error.captureStackTrace,
});
// Pristine copies, taken before anything else is loaded.
const pristine = current();
const watchedChannels = [
	'http.server.request.start',
	'http.server.response.finish',
	'http.server.response.created',
	'http.client.request.start',
	'net.server.socket',
	'net.client.socket',
	'undici:request:create',
	'tracing:net.server.listen:start',
];

function hooksReport() {
	const now = current();
	return {
		pid: process.pid,
		node: process.version,
		execArgv: process.execArgv,
		nodeOptions: process.env.NODE_OPTIONS,
		heap: v8.getHeapStatistics(),
		heapSpaces: v8
			.getHeapSpaceStatistics()
			.map((s) => ({ name: s.space_name, size: s.space_size, used: s.space_used_size })),
		asyncHooks: recorded.asyncHooks,
		promiseHooks: recorded.promiseHooks,
		channelSubscriptions: recorded.channels,
		channelsWithSubscribers: watchedChannels.filter((name) => dc.hasSubscribers(name)),
		replaced: Object.keys(pristine)
			.filter((k) => pristine[k] !== now[k])
			.map((k) => ({ name: k, source: String(now[k]).slice(0, 300) })),
		activeResources: process
			.getActiveResourcesInfo?.()
			.reduce((acc, r) => ((acc[r] = (acc[r] ?? 0) + 1), acc), {}),
		processListeners: Object.fromEntries(
			process.eventNames().map((e) => [String(e), process.listenerCount(e)]),
		),
	};
}
let reported = false;
process.on('SIGUSR2', () => {
	if (reported) return;
	reported = true;
	try {
		fs.mkdirSync(dir, { recursive: true });
		fs.writeFileSync(
			path.join(dir, `${process.pid}-hooks.json`),
			JSON.stringify(hooksReport(), null, 1),
		);
	} catch (error) {
		process.stderr.write(`profile-hook: ${error && error.message}\n`);
	}
});
