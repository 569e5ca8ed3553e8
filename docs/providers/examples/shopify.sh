#!/usr/bin/env bash
# Sends a test request signed like Shopify, with openssl + curl: the snippet of ../shopify.md.
#   WEBHOOK_URL=https://hooks.example.com/hooks/<endpoint id> WEBHOOK_SECRET=<secret> \
#     bash docs/providers/examples/shopify.sh
set -euo pipefail
: "${WEBHOOK_URL:?set WEBHOOK_URL}" "${WEBHOOK_SECRET:?set WEBHOOK_SECRET}"
BODY='{"id":5551234567890,"email":"jon@example.com","total_price":"10.00","currency":"USD"}'
HMAC=$(printf '%s' "$BODY" | openssl dgst -sha256 -hmac "$WEBHOOK_SECRET" -binary | openssl base64 -A)
curl -sS -w '\nHTTP %{http_code}\n' "$WEBHOOK_URL" \
  -H 'Content-Type: application/json' -H 'X-Shopify-Topic: orders/create' \
  -H 'X-Shopify-Shop-Domain: example.myshopify.com' \
  -H "X-Shopify-Webhook-Id: $(openssl rand -hex 16)" \
  -H "X-Shopify-Hmac-Sha256: $HMAC" \
  --data-binary "$BODY"
