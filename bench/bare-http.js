'use strict';
// Baseline for bench/run.sh: a bare node:http server that reads the body, JSON.parse's it and
// answers 202, nothing else: the floor of CPU per request for a Node.js server of this request.
// Usage: PORT=<port> [HOST=127.0.0.1] node bench/bare-http.js
const http = require('node:http');

const ACCEPTED = JSON.stringify({ status: 'accepted' });
const server = http.createServer((req, res) => {
	const chunks = [];
	req.on('data', (chunk) => chunks.push(chunk));
	req.on('end', () => {
		if (req.method === 'POST') {
			try {
				JSON.parse(Buffer.concat(chunks).toString('utf8'));
			} catch {
				res.writeHead(400, { 'Content-Type': 'application/json; charset=utf-8' });
				res.end('{"error":"invalid_body"}');
				return;
			}
		}
		res.writeHead(req.method === 'POST' ? 202 : 200, {
			'Content-Type': 'application/json; charset=utf-8',
			'Content-Length': Buffer.byteLength(ACCEPTED),
		});
		res.end(ACCEPTED);
	});
});

const host = process.env.HOST || '127.0.0.1';
server.listen(Number(process.env.PORT), host, () => {
	console.log(`bare node:http listening on http://${host}:${server.address().port}`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
