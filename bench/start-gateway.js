'use strict';
// Starts the standalone gateway from dist/ with the WEBHOOK_GATEWAY_* environment, the same way
// `webhook-gateway serve` does. bench/run.sh uses it when the CLI's `serve` is not available, and
// always when profiling (PROFILE=1): it closes gracefully on SIGTERM so `node --cpu-prof` can
// write its profile on exit.
const path = require('node:path');
const dist = path.join(__dirname, '..', 'dist', 'src');
const { loadConfig } = require(path.join(dist, 'config.js'));
const { startGateway } = require(path.join(dist, 'gateway', 'server.js'));

(async () => {
	const running = await startGateway(loadConfig());
	console.log(`gateway listening on ${running.url}`);
	let stopping = false;
	const stop = () => {
		if (stopping) return;
		stopping = true;
		const force = setTimeout(() => process.exit(0), 5000);
		force.unref();
		running.close().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	process.on('SIGTERM', stop);
	process.on('SIGINT', stop);
})().catch((error) => {
	console.error(error instanceof Error ? error.message : String(error));
	process.exit(1);
});
