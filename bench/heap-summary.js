'use strict';
// Summarises a sampling heap profile (bench/profile-hook.js with WGW_PROFILE_KIND=alloc or
// promoted): bytes allocated by function (self) and by module, optionally per request.
// Usage: node bench/heap-summary.js <file.heapprofile> [top=25] [requests]
const fs = require('node:fs');

const [file, topArg, requestsArg] = process.argv.slice(2);
const top = Number(topArg || 25);
const requests = Number(requestsArg || 0);
const { head } = JSON.parse(fs.readFileSync(file, 'utf8'));
const short = (url) =>
	url
		.replace(/^file:\/\//, '')
		.replace(/^.*\/node_modules\/n8n-nodes-webhook-gateway\/dist\//, 'dist/')
		.replace(/^.*\/node_modules\//, '')
		.replace(/^.*\/dist\//, 'dist/');
const byFunction = new Map();
const byStack = new Map();
let total = 0;
(function walk(node, stack) {
	const cf = node.callFrame;
	const name = `${cf.functionName || '(anonymous)'}  ${short(cf.url) || '(native)'}:${cf.lineNumber + 1}`;
	const here = [...stack, name];
	if (node.selfSize > 0) {
		total += node.selfSize;
		byFunction.set(name, (byFunction.get(name) ?? 0) + node.selfSize);
		// The nearest three frames: who allocates, for whom.
		const key = here.slice(-3).reverse().join('  <-  ');
		byStack.set(key, (byStack.get(key) ?? 0) + node.selfSize);
	}
	for (const child of node.children) walk(child, here);
})(head, []);
const fmt = (bytes) =>
	`${(bytes / 1024).toFixed(0).padStart(8)} KiB ${((bytes / total) * 100).toFixed(1).padStart(5)} %` +
	(requests > 0 ? ` ${(bytes / requests).toFixed(0).padStart(6)} B/req` : '');
console.log(
	`heap profile: ${file}\nsampled ${(total / 1048576).toFixed(1)} MiB` +
		(requests > 0 ? `, ${requests} requests, ${(total / requests).toFixed(0)} B per request` : ''),
);
console.log('\nBy allocating function:');
for (const [k, v] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top))
	console.log(`  ${fmt(v)}  ${k}`);
console.log('\nBy allocating function and its two callers:');
for (const [k, v] of [...byStack].sort((a, b) => b[1] - a[1]).slice(0, top))
	console.log(`  ${fmt(v)}  ${k}`);
