#!/usr/bin/env bash
# Sends a test request signed like a generic HMAC sender, with openssl + curl: the snippet of ../generic-hmac.md.
#   WEBHOOK_URL=https://hooks.example.com/hooks/<endpoint id> WEBHOOK_SECRET=<secret> \
#     bash docs/providers/examples/generic-hmac.sh
set -euo pipefail
: "${WEBHOOK_URL:?set WEBHOOK_URL}" "${WEBHOOK_SECRET:?set WEBHOOK_SECRET}"
BODY='{"id":"inv_1","type":"invoice.paid","amount":4200}'
SIG=$(printf '%s' "$BODY" | openssl dgst -sha256 -hmac "$WEBHOOK_SECRET" | sed 's/^.* //')
curl -sS -w '\nHTTP %{http_code}\n' "$WEBHOOK_URL" \
  -H 'Content-Type: application/json' \
  -H "Idempotency-Key: $(openssl rand -hex 16)" \
  -H "X-Signature: sha256=$SIG" \
  --data-binary "$BODY"
