'use strict';
// Baseline for bench/run.sh: a bare express 5 app that parses JSON and answers 202, nothing else.
// Usage: PORT=<port> [HOST=127.0.0.1] node bench/bare-express.js
const path = require('node:path');
const express = require(path.join(__dirname, '..', 'node_modules', 'express'));

const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app.use(express.json({ limit: '1mb' }));
app.all('/{*path}', (_req, res) => {
	res.status(202).json({ status: 'accepted' });
});

const host = process.env.HOST || '127.0.0.1';
const server = app.listen(Number(process.env.PORT), host, (error) => {
	if (error) {
		console.error(error.message);
		process.exit(1);
	}
	console.log(`bare express listening on http://${host}:${server.address().port}`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
