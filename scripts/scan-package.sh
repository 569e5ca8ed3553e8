#!/usr/bin/env bash
# Runs the analysis of n8n's community-package scanner (@n8n/scan-community-package, what n8n runs
# before it verifies a package) on this checkout and on the tarball `npm pack` makes of it, offline:
# the scanner's own CLI downloads the published package, its npm provenance and its GitHub source,
# which a package that is not published yet does not have. Its ESLint analysis is exported
# (buildScanConfig, SOURCE_FILE_PATTERNS), so scripts/lib/scan-package.mjs lints the same two legs
# with the same configuration. Fails on any finding that docs/package.md does not list as expected.
# Needs a build (dist/). The scanner is installed once into a cache outside the clone (npm registry
# only). Env: WEBHOOK_GATEWAY_CACHE (default ~/.cache/n8n-nodes-webhook-gateway).
set -euo pipefail
cd "$(dirname "$0")/.."
SCANNER_VERSION=0.32.0
CACHE_ROOT="${WEBHOOK_GATEWAY_CACHE:-$HOME/.cache/n8n-nodes-webhook-gateway}"
SCANNER_DIR="$CACHE_ROOT/scan-community-package-$SCANNER_VERSION"
log() { echo "[scan-package] $*" >&2; }

if [ ! -f "$SCANNER_DIR/.installed" ]; then
  mkdir -p "$SCANNER_DIR"
  log "installing @n8n/scan-community-package@$SCANNER_VERSION into $SCANNER_DIR (first time only)"
  echo '{"name":"scanner-holder","private":true}' > "$SCANNER_DIR/package.json"
  (cd "$SCANNER_DIR" && npm install --ignore-scripts --no-audit --no-fund --loglevel=error \
    "@n8n/scan-community-package@$SCANNER_VERSION" >&2)
  touch "$SCANNER_DIR/.installed"
fi

[ -f dist/credentials/WebhookGatewayApi.credentials.js ] || { log "dist/ is missing: run npm run build first"; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tarball="$(npm pack --silent --pack-destination "$work" | tail -1)"
mkdir -p "$work/package"
tar -xzf "$work/$tarball" -C "$work/package" --strip-components=1
node scripts/lib/scan-package.mjs "$SCANNER_DIR/node_modules/@n8n/scan-community-package/scanner/scanner.mjs" \
  "$PWD" "$work/package" docs/package.md
