/**
 * Where `vigil simulate` spends its time: CPU milliseconds per phase for one
 * cold run on a generated CIB (each size in a fresh process, so no phase
 * profits from another's JIT warm-up or from an earlier size).
 *
 *   npm run bench:scheduler-phases -- [--sizes 4/50,16/500,32/2000,64/5000]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCib } from '../daemon/cib/parse.js';
import { readCibFile } from '../daemon/cib/cib-text.js';
import { computeWorkingSet } from '../daemon/scheduler/schedule.js';
import { buildTransitionActions, executionOrder } from '../daemon/scheduler/transition-graph.js';
import { describeWorkingSet, formatClusterStatus } from '../daemon/scheduler/cluster-status.js';

const here = fileURLToPath(import.meta.url);
const shared = join(dirname(here), '..', '..', '..', 'shared', 'pacemaker-scheduler');
const PHASES = ['read', 'parse (scan + model)', 'schedule', 'transition graph', 'status', 'execution order'] as const;

const cpuMs = (): number => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};

/** Runs the pipeline once on `file`, printing one JSON line of per-phase CPU milliseconds. */
function measureOne(file: string): void {
  const marks = [cpuMs()];
  const text = readCibFile(file);
  marks.push(cpuMs());
  const cib = parseCib(text, file);
  marks.push(cpuMs());
  const { ws, histories } = computeWorkingSet(cib);
  marks.push(cpuMs());
  const actions = buildTransitionActions(ws);
  marks.push(cpuMs());
  const status = formatClusterStatus(describeWorkingSet(ws, histories));
  marks.push(cpuMs());
  const ordered = executionOrder(actions);
  marks.push(cpuMs());
  const phases = Object.fromEntries(PHASES.map((p, i) => [p, marks[i + 1] - marks[i]]));
  console.log(JSON.stringify({ phases, actions: ordered.length, statusChars: status.length }));
}

function main(): void {
  const argv = process.argv.slice(2);
  if (argv[0] === '--one') return measureOne(argv[1]);
  let sizes = '4/50,16/500,32/2000,64/5000';
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--sizes') sizes = argv[++i];
    else throw new Error(`unknown argument ${argv[i]} (use --sizes N/M,...)`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'vigil-phases-'));
  const rows: string[][] = [];
  try {
    for (const size of sizes.split(',')) {
      const [nodes, vms] = size.split('/');
      const file = join(dir, `cib-${nodes}-${vms}.xml`);
      const gen = spawnSync(process.execPath, [join(shared, 'gen-cib.mjs'), '--nodes', nodes, '--vms', vms, '--out', file], { encoding: 'utf8' });
      if (gen.status !== 0) throw new Error(`gen-cib failed: ${gen.stderr}`);
      const run = spawnSync(process.execPath, [here, '--one', file], { encoding: 'utf8', maxBuffer: 1 << 20 });
      if (run.status !== 0) throw new Error(`measuring ${size} failed: ${run.stderr}`);
      const { phases } = JSON.parse(run.stdout) as { phases: Record<string, number> };
      const total = Object.values(phases).reduce((a, b) => a + b, 0);
      rows.push([size, ...PHASES.map((p) => phases[p].toFixed(0)), total.toFixed(0)]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const header = ['nodes/VMs', ...PHASES.map((p) => `${p} ms`), 'total cpu ms'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const r of [header, ...rows]) console.log(r.map((c, i) => c.padEnd(widths[i])).join('  '));
}

try {
  main();
} catch (err) {
  process.stderr.write(`bench:scheduler-phases: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
