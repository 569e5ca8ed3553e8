'use strict';
// Preload for experiments (`node --require bench/heap-ballast.js`): keeps WGW_BALLAST_MB (default
// 250) MiB of live, pointer-rich objects in the old generation for the life of the process, like
// the heap of an n8n main process (node types, workflow and credential metadata, ORM state), so
// that the standalone gateway can be measured with a heap of that size and nothing else of n8n.
const mib = Number(process.env.WGW_BALLAST_MB || 250);
const ballast = [];
let bytes = 0;
for (let i = 0; bytes < mib * 1024 * 1024; i++) {
	// ~30 small objects, strings and arrays per record, linked to each other as in a real object graph.
	const record = {
		id: i,
		name: `node-${i}`,
		tags: [`t${i % 97}`, `u${i % 13}`],
		params: {},
		parent: ballast[i >> 1],
	};
	for (let j = 0; j < 8; j++) record.params[`p${j}`] = { value: `v${i}-${j}`, n: j, list: [j, i] };
	ballast.push(record);
	bytes += 1600; // measured: about what V8 reports as used heap per record
}
globalThis.__wgwBallast = ballast;
