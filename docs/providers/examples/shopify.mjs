#!/usr/bin/env node
// Sends a test webhook signed the way Shopify signs its deliveries (see ../shopify.md):
//   X-Shopify-Hmac-Sha256: <base64 HMAC-SHA256(secret, raw body)>
//
//   WEBHOOK_URL=https://hooks.example.com/hooks/<endpoint id> WEBHOOK_SECRET=<secret> \
//     node docs/providers/examples/shopify.mjs
//
// Optional: DELIVERY_ID (X-Shopify-Webhook-Id; a random UUID by default; send the same one
// twice to see the duplicate answer), WEBHOOK_BODY (the exact body to send).
// No dependencies: Node.js 20+ (node:crypto and the built-in fetch).
import { createHmac, randomUUID } from 'node:crypto';

const url = process.env.WEBHOOK_URL;
const secret = process.env.WEBHOOK_SECRET;
if (!url || !secret) {
	console.error('Set WEBHOOK_URL and WEBHOOK_SECRET.');
	process.exit(2);
}

const body = process.env.WEBHOOK_BODY ?? JSON.stringify({ id: 5551234567890, email: 'jon@example.com', total_price: '10.00', currency: 'USD' });
const hmac = createHmac('sha256', secret).update(body).digest('base64');

const res = await fetch(url, {
	method: 'POST',
	headers: {
		'Content-Type': 'application/json',
		'X-Shopify-Topic': 'orders/create',
		'X-Shopify-Shop-Domain': 'example.myshopify.com',
		'X-Shopify-Triggered-At': new Date().toISOString(),
		'X-Shopify-Webhook-Id': process.env.DELIVERY_ID ?? randomUUID(),
		'X-Shopify-Hmac-Sha256': hmac,
	},
	body,
});
console.log(`HTTP ${res.status}`);
console.log(await res.text());
process.exitCode = res.ok ? 0 : 1;
