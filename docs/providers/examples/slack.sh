#!/usr/bin/env bash
# Sends a test request signed like Slack, with openssl + curl: the snippet of ../slack.md.
#   WEBHOOK_URL=https://hooks.example.com/hooks/<endpoint id> WEBHOOK_SECRET=<secret> \
#     bash docs/providers/examples/slack.sh
set -euo pipefail
: "${WEBHOOK_URL:?set WEBHOOK_URL}" "${WEBHOOK_SECRET:?set WEBHOOK_SECRET}"
BODY='{"type":"event_callback","event_id":"Ev'$(openssl rand -hex 6)'","event":{"type":"app_mention","text":"hello"}}'
T=$(date +%s)
SIG=$(printf '%s' "v0:$T:$BODY" | openssl dgst -sha256 -hmac "$WEBHOOK_SECRET" | sed 's/^.* //')
curl -sS -w '\nHTTP %{http_code}\n' "$WEBHOOK_URL" \
  -H 'Content-Type: application/json' \
  -H "X-Slack-Request-Timestamp: $T" -H "X-Slack-Signature: v0=$SIG" \
  --data-binary "$BODY"
