#!/usr/bin/env bash
# Installs verdaccio (pinned; a private npm registry for the community-package install test,
# test/e2e/community-install.test.ts) into a cache outside the clone, once per version.
# verdaccio 6.8.0 runs on Node 20; later 6.x releases want Node 22. Prints the cache folder on the
# last line of stdout. Idempotent: a finished install is reused; concurrent callers wait on a lock.
# Env: VERDACCIO_VERSION (default 6.8.0), WEBHOOK_GATEWAY_CACHE (default
# ~/.cache/n8n-nodes-webhook-gateway).
set -euo pipefail
VERDACCIO_VERSION="${VERDACCIO_VERSION:-6.8.0}"
log() { echo "[ensure-verdaccio] $*" >&2; }
# shellcheck source=lib/cache-install.sh
. "$(dirname "$0")/lib/cache-install.sh"
cache_install_begin "verdaccio-$VERDACCIO_VERSION"
log "installing verdaccio@$VERDACCIO_VERSION into $DIR with Node $(node --version) (first time only)"
cat > package.json <<JSON
{
  "name": "verdaccio-holder",
  "private": true,
  "dependencies": { "verdaccio": "$VERDACCIO_VERSION" }
}
JSON
# verdaccio is plain JavaScript; its install scripts are not needed.
npm install --ignore-scripts --no-audit --no-fund --loglevel=error >&2
[ -f node_modules/verdaccio/bin/verdaccio ] || { log "node_modules/verdaccio/bin/verdaccio missing after install"; exit 1; }
cache_install_done
