#!/usr/bin/env bash
# The test command from the README (`npm test`): installs what is missing, builds, then runs the
# suites one after another — unit (incl. scheduler conformance and the crm_simulate differential),
# integration (real etcd + vigild processes), vm (real libvirt/QEMU). Running them in sequence keeps
# the timing-sensitive failover and migration tests off a machine already busy with other suites.
# `scripts/test.sh vm` (npm run test:vm) runs only the libvirt end-to-end suite;
# `scripts/test.sh unit|integration` likewise.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh test

projects=(unit integration vm)
[ $# -gt 0 ] && projects=("$@")
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
status=0
for p in "${projects[@]}"; do
  echo "== vitest project: $p"
  npx vitest run --project "$p" --reporter=default --reporter=json --outputFile="$results/$p.json" || status=1
done
# One plain closing line over all suites: "N passed, M failed".
node -e '
  const fs = require("fs"); let passed = 0, failed = 0, skipped = 0;
  for (const f of process.argv.slice(1)) {
    if (!fs.existsSync(f)) { failed++; continue; }   // a project that crashed before reporting
    const r = JSON.parse(fs.readFileSync(f, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests; skipped += r.numPendingTests + (r.numTodoTests || 0);
    // a file whose setup (beforeAll) failed fails none of its tests (they are skipped): count the file
    for (const t of r.testResults) if (t.status === "failed" && !t.assertionResults.some((a) => a.status === "failed")) failed++;
  }
  console.log(`${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ""));
' $(for p in "${projects[@]}"; do echo "$results/$p.json"; done)
exit $status
