#!/usr/bin/env node
// Sends a test webhook signed the way GitHub signs its deliveries (see ../github.md):
//   X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, raw body)>
//
//   WEBHOOK_URL=https://hooks.example.com/hooks/<endpoint id> WEBHOOK_SECRET=<secret> \
//     node docs/providers/examples/github.mjs
//
// Optional: DELIVERY_ID (X-GitHub-Delivery; a random UUID by default; send the same one twice
// to see the duplicate answer), WEBHOOK_BODY (the exact body to send).
// No dependencies: Node.js 20+ (node:crypto and the built-in fetch).
import { createHmac, randomUUID } from 'node:crypto';

const url = process.env.WEBHOOK_URL;
const secret = process.env.WEBHOOK_SECRET;
if (!url || !secret) {
	console.error('Set WEBHOOK_URL and WEBHOOK_SECRET.');
	process.exit(2);
}

const body = process.env.WEBHOOK_BODY ?? JSON.stringify({ zen: 'Design for failure.', hook_id: 1 });
const signature = 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');

const res = await fetch(url, {
	method: 'POST',
	headers: {
		'Content-Type': 'application/json',
		'User-Agent': 'GitHub-Hookshot/example',
		'X-GitHub-Event': 'ping',
		'X-GitHub-Delivery': process.env.DELIVERY_ID ?? randomUUID(),
		'X-Hub-Signature-256': signature,
	},
	body,
});
console.log(`HTTP ${res.status}`);
console.log(await res.text());
process.exitCode = res.ok ? 0 : 1;
