'use strict';
// The consumer of bench/soak.sh: a subscriber on the soak endpoint that reads batches of up to 1000
// events (blocking read on a connection of its own) and acknowledges them at once, which trims
// the stream (src/redis/scripts/ackEvents-3.lua), so Redis holds only what is in flight however long
// the soak runs. It uses the package's own BufferStore from dist/, like the triggers do.
//
// Env: SOAK_REDIS_URL, SOAK_STATUS_FILE (JSON written every 2 s and on exit), SOAK_ENDPOINT
// (default bench-github), SOAK_ACCOUNT (default bench), SOAK_PREFIX (default wgw:).
// Stops on SIGTERM/SIGINT after the batch in hand is acknowledged.
const fs = require('node:fs');
const path = require('node:path');
const { createStores } = require(path.join(__dirname, '..', 'dist', 'src', 'redis'));

const env = process.env;
const statusFile = env.SOAK_STATUS_FILE;
const ep = { id: env.SOAK_ENDPOINT || 'bench-github', accountId: env.SOAK_ACCOUNT || 'bench' };
const sub = 'soak-consumer';
const stores = createStores(
	{ url: env.SOAK_REDIS_URL, name: 'soak-consumer', offlineQueue: true },
	env.SOAK_PREFIX || 'wgw:',
);
const blocking = stores.blockingBuffer();

let delivered = 0;
let trimmed = 0;
let batches = 0;
let stopping = false;
const writeStatus = (extra = {}) => {
	const tmp = `${statusFile}.tmp`;
	fs.writeFileSync(tmp, JSON.stringify({ delivered, trimmed, batches, at: Date.now(), ...extra }));
	fs.renameSync(tmp, statusFile);
};

async function main() {
	await stores.buffer.subscribe(ep, sub, 'new');
	writeStatus({ subscribed: true });
	const timer = setInterval(() => writeStatus(), 2000);
	while (!stopping) {
		const entries = await blocking.buffer.read(ep, sub, 1000, { blockMs: 500 });
		if (entries.length === 0) continue;
		const result = await stores.buffer.ack(
			ep,
			sub,
			entries.map((e) => e.ref),
		);
		delivered += result.acked;
		trimmed += result.trimmed;
		batches++;
	}
	clearInterval(timer);
	writeStatus({ stopped: true });
	blocking.close();
	await stores.close();
}

const stop = () => {
	stopping = true;
	// A blocking read returns within 500 ms; a hung connection must not keep us alive.
	setTimeout(() => {
		writeStatus({ stopped: true, forced: true });
		process.exit(0);
	}, 5000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
main().catch((error) => {
	console.error(`soak-consumer: ${error instanceof Error ? error.message : String(error)}`);
	process.exit(1);
});
