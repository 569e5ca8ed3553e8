#!/usr/bin/env bash
# Sends a test request signed like Stripe, with openssl + curl: the snippet of ../stripe.md.
#   WEBHOOK_URL=https://hooks.example.com/hooks/<endpoint id> WEBHOOK_SECRET=<secret> \
#     bash docs/providers/examples/stripe.sh
set -euo pipefail
: "${WEBHOOK_URL:?set WEBHOOK_URL}" "${WEBHOOK_SECRET:?set WEBHOOK_SECRET}"
BODY='{"id":"evt_test_'$(openssl rand -hex 12)'","object":"event","type":"payment_intent.succeeded","data":{"object":{"id":"pi_test_123","object":"payment_intent"}}}'
T=$(date +%s)
SIG=$(printf '%s' "$T.$BODY" | openssl dgst -sha256 -hmac "$WEBHOOK_SECRET" | sed 's/^.* //')
curl -sS -w '\nHTTP %{http_code}\n' "$WEBHOOK_URL" \
  -H 'Content-Type: application/json' \
  -H "Stripe-Signature: t=$T,v1=$SIG" \
  --data-binary "$BODY"
