#!/usr/bin/env node
// Sends a test Events API request signed the way Slack signs its requests (see ../slack.md):
//   X-Slack-Request-Timestamp: <unix seconds>
//   X-Slack-Signature: v0=<hex HMAC-SHA256(signing secret, "v0:<timestamp>:<raw body>")>
//
//   WEBHOOK_URL=https://hooks.example.com/hooks/<endpoint id> WEBHOOK_SECRET=<signing secret> \
//     node docs/providers/examples/slack.mjs
//
// Optional: DELIVERY_ID (the body's event_id; random by default; send the same one twice to see
// the duplicate answer), WEBHOOK_BODY (the exact body to send, e.g. a url_verification request).
// No dependencies: Node.js 20+ (node:crypto and the built-in fetch).
import { createHmac, randomBytes } from 'node:crypto';

const url = process.env.WEBHOOK_URL;
const secret = process.env.WEBHOOK_SECRET;
if (!url || !secret) {
	console.error('Set WEBHOOK_URL and WEBHOOK_SECRET.');
	process.exit(2);
}

const timestamp = Math.floor(Date.now() / 1000);
const event = {
	type: 'event_callback',
	team_id: 'T0000000',
	api_app_id: 'A0000000',
	event_id: process.env.DELIVERY_ID ?? `Ev${randomBytes(6).toString('hex').toUpperCase()}`,
	event_time: timestamp,
	event: { type: 'app_mention', user: 'U0000000', text: '<@U0BOT> hello', channel: 'C0000000', ts: `${timestamp}.000100` },
};
const body = process.env.WEBHOOK_BODY ?? JSON.stringify(event);
const signature = 'v0=' + createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex');

const res = await fetch(url, {
	method: 'POST',
	headers: {
		'Content-Type': 'application/json',
		'X-Slack-Request-Timestamp': String(timestamp),
		'X-Slack-Signature': signature,
	},
	body,
});
console.log(`HTTP ${res.status}`);
console.log(await res.text());
process.exitCode = res.ok ? 0 : 1;
