#!/usr/bin/env bash
# Sends a test request signed like GitHub, with openssl + curl: the snippet of ../github.md.
#   WEBHOOK_URL=https://hooks.example.com/hooks/<endpoint id> WEBHOOK_SECRET=<secret> \
#     bash docs/providers/examples/github.sh
set -euo pipefail
: "${WEBHOOK_URL:?set WEBHOOK_URL}" "${WEBHOOK_SECRET:?set WEBHOOK_SECRET}"
BODY='{"zen":"Design for failure.","hook_id":1}'
SIG=$(printf '%s' "$BODY" | openssl dgst -sha256 -hmac "$WEBHOOK_SECRET" | sed 's/^.* //')
curl -sS -w '\nHTTP %{http_code}\n' "$WEBHOOK_URL" \
  -H 'Content-Type: application/json' -H 'X-GitHub-Event: ping' \
  -H "X-GitHub-Delivery: $(openssl rand -hex 16)" \
  -H "X-Hub-Signature-256: sha256=$SIG" \
  --data-binary "$BODY"
