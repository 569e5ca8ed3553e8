#!/usr/bin/env bash
# The README's "run it" command: installs what is missing (redis-server via apt, npm packages,
# Node 24 + n8n into a cache outside the clone), builds the package, then runs scripts/demo.ts:
# a private Redis, n8n with this package installed the way n8n installs community packages, the
# embedded gateway, a sample endpoint and workflow, and a few sample events. Ctrl-C stops it all.
set -euo pipefail
cd "$(dirname "$0")/.."
log() { echo "[demo] $*"; }

need_apt=()
command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
command -v redis-cli >/dev/null 2>&1 || need_apt+=(redis-tools)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "installing ${need_apt[*]} with apt-get"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi
log "building the package"
npm run --silent build >/dev/null
log "making sure n8n is installed (first time: about 5 minutes, cached outside the clone)"
bash scripts/ensure-n8n.sh >/dev/null
exec node --import tsx scripts/demo.ts "$@"
