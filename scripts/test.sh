#!/usr/bin/env bash
# The test command from the README: installs what is missing, builds, runs every suite.
# `scripts/test.sh vm` runs only the libvirt end-to-end suite (npm run test:vm).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh test
if [ "${1:-}" = vm ]; then exec npx vitest run --project vm; fi
exec npx vitest run "$@"
