#!/usr/bin/env node
// Sends a test webhook with an HMAC signature over the raw body (see ../generic-hmac.md). By
// default it matches the endpoint the guide creates:
//   X-Signature: sha256=<hex HMAC-SHA256(secret, raw body)>    Idempotency-Key: <random>
//
//   WEBHOOK_URL=https://hooks.example.com/hooks/<endpoint id> WEBHOOK_SECRET=<secret> \
//     node docs/providers/examples/generic-hmac.mjs
//
// Optional: SIGNATURE_HEADER (X-Signature), SIGNATURE_ALGORITHM (sha256; or sha1, sha512),
// SIGNATURE_ENCODING (hex; or base64), SIGNATURE_PREFIX (sha256=; set it to '' for none),
// DELIVERY_ID (Idempotency-Key; random by default; send the same one twice to see the duplicate
// answer), WEBHOOK_BODY (the exact body to send).
// No dependencies: Node.js 20+ (node:crypto and the built-in fetch).
import { createHmac, randomUUID } from 'node:crypto';

const url = process.env.WEBHOOK_URL;
const secret = process.env.WEBHOOK_SECRET;
if (!url || !secret) {
	console.error('Set WEBHOOK_URL and WEBHOOK_SECRET.');
	process.exit(2);
}
const header = process.env.SIGNATURE_HEADER ?? 'X-Signature';
const algorithm = process.env.SIGNATURE_ALGORITHM ?? 'sha256';
const encoding = process.env.SIGNATURE_ENCODING ?? 'hex';
const prefix = process.env.SIGNATURE_PREFIX ?? 'sha256=';

const body = process.env.WEBHOOK_BODY ?? JSON.stringify({ id: randomUUID(), type: 'invoice.paid', amount: 4200 });
const signature = prefix + createHmac(algorithm, secret).update(body).digest(encoding);

const res = await fetch(url, {
	method: 'POST',
	headers: {
		'Content-Type': 'application/json',
		'Idempotency-Key': process.env.DELIVERY_ID ?? randomUUID(),
		[header]: signature,
	},
	body,
});
console.log(`HTTP ${res.status}`);
console.log(await res.text());
process.exitCode = res.ok ? 0 : 1;
