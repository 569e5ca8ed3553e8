#!/usr/bin/env bash
# The README's test command: installs what is missing (redis-server and chromium via apt, npm
# packages, and for the end-to-end tests Node 24 + n8n 2.x, n8n 1.x and verdaccio (a private npm
# registry for test/e2e/community-install.test.ts) into a cache outside the clone), builds,
# type-checks (also against n8n-workflow 1.x), lints, runs n8n's package scanner, then runs every
# test (unit, integration against real redis-server processes it starts itself, end to end in a
# real n8n 2.x; test/e2e/n8n-1.x runs the core end-to-end files in n8n 1.x). Ends with one summary
# line "N passed, N failed".
# Env: SKIP_E2E=1 leaves out the n8n tests; TEST_FILES="..." runs only those files.
set -euo pipefail
cd "$(dirname "$0")/.."
log() { echo "[test] $*"; }

# shellcheck source=lib/setup.sh
. scripts/lib/setup.sh
# Debian's redis package may start a system redis on 6379; the tests never use it (they start their own).
# The console's browser test drives Debian's Chromium through playwright-core.
if [ "${SKIP_E2E:-0}" != "1" ]; then apt_install_missing redis-server redis-tools chromium; else apt_install_missing redis-server redis-tools; fi
npm_install_if_needed

log "building"
npm run --silent build >/dev/null
log "type-checking the tests, and the nodes against n8n-workflow 1.x"
npx tsc -p tsconfig.test.json
npx tsc -p tsconfig.n8n-workflow-v1.json
log "linting"
npm run --silent lint
log "scanning the packed package with n8n's community-package scanner (docs/package.md)"
bash scripts/scan-package.sh | grep -v '^  expected ' || { log "the scanner found something docs/package.md does not list"; exit 1; }

files=()
if [ -n "${TEST_FILES:-}" ]; then
  read -r -a files <<< "$TEST_FILES"
else
  while IFS= read -r f; do files+=("$f"); done < <(find test/unit test/integration -name '*.test.ts' | sort)
  if [ "${SKIP_E2E:-0}" != "1" ]; then
    log "making sure n8n 2.x and 1.x are installed (cached outside the clone)"
    bash scripts/ensure-n8n.sh >/dev/null
    n8n1="$(sed -n "s/^export const N8N_1_VERSION = '\(.*\)';/\1/p" test/e2e/n8n-1.x/n8n1.ts)"
    N8N_VERSION="$n8n1" bash scripts/ensure-n8n.sh >/dev/null
    log "making sure verdaccio is installed (cached outside the clone)"
    bash scripts/ensure-verdaccio.sh >/dev/null
    while IFS= read -r f; do files+=("$f"); done < <(find test/e2e -name '*.test.ts' | sort)
  fi
fi

tap="$(mktemp)"
trap 'rm -f "$tap"' EXIT
log "running ${#files[@]} test files"
set +e
node --import tsx --test --test-concurrency="${TEST_CONCURRENCY:-1}" \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$tap" \
  "${files[@]}"
status=$?
set -e
pass=$(grep -E '^# pass ' "$tap" | tail -1 | awk '{print $3}')
fail=$(grep -E '^# fail ' "$tap" | tail -1 | awk '{print $3}')
cancelled=$(grep -E '^# cancelled ' "$tap" | tail -1 | awk '{print $3}')
skipped=$(grep -E '^# skipped ' "$tap" | tail -1 | awk '{print $3}')
fail=$(( ${fail:-0} + ${cancelled:-0} ))
echo
echo "${pass:-0} passed, ${fail} failed, ${skipped:-0} skipped"
if [ "$status" -ne 0 ] && [ "$fail" -eq 0 ]; then echo "test runner exited with $status"; fi
exit "$status"
