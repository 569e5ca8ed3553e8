'use strict';
// Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time by function and by module
// (node_modules package, the gateway's own dist/src files, node internals, GC), and inclusive time
// by function (its own time plus its callees', counted once per sample however often the function
// is on the stack).
// Usage: node bench/profile-summary.js <file.cpuprofile> [top=25] [requests handled]
// With the number of requests the process handled, each line also shows microseconds per request.
const fs = require('node:fs');

const file = process.argv[2];
const top = Number(process.argv[3] || 25);
const requests = Number(process.argv[4] || 0);
if (!file) {
	console.error('usage: node bench/profile-summary.js <file.cpuprofile> [top]');
	process.exit(2);
}
const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map();
for (let i = 0; i < profile.samples.length; i++) {
	const id = profile.samples[i];
	selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}

function moduleOf(url) {
	if (!url) return '(native / V8)';
	// The gateway's own files as n8n installs the package; its runtime deps sit in the package's
	// own node_modules there, so a file belongs to the innermost package of its path.
	const installed = /node_modules\/n8n-nodes-webhook-gateway\/dist\/(src\/.*)$/.exec(url);
	if (installed) return 'gateway ' + installed[1];
	const nm = [...url.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)].pop();
	if (nm) return nm[1];
	const own = /\/dist\/(src\/.*)$/.exec(url);
	if (own) return 'gateway ' + own[1];
	if (url.startsWith('node:')) return 'node: ' + url.slice(5).split('/')[0];
	return url.replace(/^file:\/\//, '');
}
function short(url) {
	return url
		.replace(/^file:\/\//, '')
		.replace(/^.*\/node_modules\/n8n-nodes-webhook-gateway\/dist\//, 'dist/')
		.replace(/^.*\/node_modules\//, '')
		.replace(/^.*\/dist\//, 'dist/');
}

const parentOf = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);

function functionKey(cf) {
	const special = /^\(.*\)$/.test(cf.functionName) && !cf.url;
	return special
		? cf.functionName
		: `${cf.functionName || '(anonymous)'}  ${short(cf.url) || '(native)'}:${cf.lineNumber + 1}`;
}

let total = 0;
let idle = 0;
const byFunction = new Map();
const inclusive = new Map();
const byModule = new Map();
for (const [id, us] of selfUs) {
	const node = byId.get(id);
	const cf = node.callFrame;
	total += us;
	if (cf.functionName === '(idle)') {
		idle += us;
		continue;
	}
	const special = /^\(.*\)$/.test(cf.functionName) && !cf.url;
	const fkey = functionKey(cf);
	byFunction.set(fkey, (byFunction.get(fkey) ?? 0) + us);
	const onStack = new Set();
	for (let at = id; at !== undefined; at = parentOf.get(at)) {
		const frame = byId.get(at).callFrame;
		if (frame.functionName !== '(root)') onStack.add(functionKey(frame));
	}
	for (const k of onStack) inclusive.set(k, (inclusive.get(k) ?? 0) + us);
	const mkey = special ? cf.functionName : moduleOf(cf.url);
	byModule.set(mkey, (byModule.get(mkey) ?? 0) + us);
}
const busy = total - idle;
const pct = (us) =>
	((us / busy) * 100).toFixed(1).padStart(5) +
	' %' +
	(requests > 0 ? `  ${(us / requests).toFixed(1).padStart(6)} us/req` : '');
console.log(`profile: ${file}`);
console.log(
	`sampled ${(total / 1e6).toFixed(1)} s, idle ${(idle / 1e6).toFixed(1)} s, busy ${(busy / 1e6).toFixed(1)} s (percentages below are of busy time)` +
		(requests > 0
			? `; ${requests} requests, ${(busy / requests).toFixed(1)} us of busy time per request`
			: '') +
		'\n',
);
console.log(`Self time by module:`);
for (const [k, us] of [...byModule].sort((a, b) => b[1] - a[1]).slice(0, top))
	console.log(`  ${pct(us)}  ${k}`);
console.log(`\nTop ${top} functions by self time:`);
for (const [k, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top))
	console.log(`  ${pct(us)}  ${k}`);
console.log(`\nTop ${top} functions by inclusive time (self + callees):`);
for (const [k, us] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top))
	console.log(`  ${pct(us)}  ${k}`);
