#!/usr/bin/env bash
# The README's "run it" command: installs what is missing (redis-server via apt, npm packages,
# Node 24 + n8n into a cache outside the clone), builds the package, then runs scripts/demo.ts:
# a private Redis, n8n with this package installed the way n8n installs community packages, the
# embedded gateway, a sample endpoint and workflow, and a few sample events. Ctrl-C stops it all.
set -euo pipefail
cd "$(dirname "$0")/.."
log() { echo "[demo] $*"; }

# shellcheck source=lib/setup.sh
. scripts/lib/setup.sh
apt_install_missing redis-server redis-tools
npm_install_if_needed
log "building the package"
npm run --silent build >/dev/null
log "making sure n8n is installed (first time: about 5 minutes, cached outside the clone)"
bash scripts/ensure-n8n.sh >/dev/null
exec node --import tsx scripts/demo.ts "$@"
