#!/usr/bin/env node
// Sends a test event signed the way Stripe signs its webhooks (see ../stripe.md):
//   Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(whsec_… secret, "<t>.<raw body>")>
//
//   WEBHOOK_URL=https://hooks.example.com/hooks/<endpoint id> WEBHOOK_SECRET=whsec_… \
//     node docs/providers/examples/stripe.mjs
//
// Optional: DELIVERY_ID (the event id, body field "id"; random by default; send the same one
// twice to see the duplicate answer), WEBHOOK_BODY (the exact body to send).
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
	id: process.env.DELIVERY_ID ?? `evt_test_${randomBytes(12).toString('hex')}`,
	object: 'event',
	type: 'payment_intent.succeeded',
	created: timestamp,
	livemode: false,
	data: { object: { id: 'pi_test_123', object: 'payment_intent', amount: 2000, currency: 'usd' } },
};
const body = process.env.WEBHOOK_BODY ?? JSON.stringify(event);
const v1 = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');

const res = await fetch(url, {
	method: 'POST',
	headers: {
		'Content-Type': 'application/json; charset=utf-8',
		'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
		'Stripe-Signature': `t=${timestamp},v1=${v1}`,
	},
	body,
});
console.log(`HTTP ${res.status}`);
console.log(await res.text());
process.exitCode = res.ok ? 0 : 1;
