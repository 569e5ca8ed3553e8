#!/usr/bin/env bash
# Runs node's test runner (TypeScript through tsx) on every *.test.ts below the given folders.
# Usage: scripts/run-tests.sh test/unit [test/integration ...]
set -euo pipefail
cd "$(dirname "$0")/.."
files=()
for dir in "$@"; do
  while IFS= read -r f; do files+=("$f"); done < <(find "$dir" -name '*.test.ts' | sort)
done
if [ ${#files[@]} -eq 0 ]; then echo "no test files under: $*" >&2; exit 1; fi
exec node --import tsx --test --test-concurrency="${TEST_CONCURRENCY:-1}" --test-reporter=spec "${files[@]}"
