/**
 * Where `vigil simulate` spends its time: per phase of one cold run on a
 * generated CIB, the wall time, the main thread's CPU time, the time the
 * main thread stood in garbage collection, and the process's minor page
 * faults (memory touched for the first time: a few microseconds each on a
 * small VM). Each size runs in a fresh process, so no phase profits from
 * another's JIT warm-up or from an earlier size. The
 * gap between wall and main-thread CPU is time the main thread waited: for
 * V8's compiler and GC helper threads to give up a core, on a small machine.
 *
 *   npm run bench:scheduler-phases -- [--sizes 4/50,16/500,32/2000,64/5000]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { tuneV8ForOneShot } from '../crm-shell/v8-tuning.js';

const here = fileURLToPath(import.meta.url);
const shared = join(dirname(here), '..', '..', '..', 'shared', 'pacemaker-scheduler');
/** the pause after each phase for its GC entries (left out of the process time printed) */
const SETTLE_MS = 20;
const PHASES = ['read', 'parse (scan + model)', 'schedule', 'transition graph', 'status', 'execution order'] as const;

interface PhaseFigures {
  wall: number;
  mainCpu: number;
  gc: number;
  faults: number;
}

/** Minor page faults of the whole process so far (memory touched for the first time, read or written). */
const minorFaults = (): number => process.resourceUsage().minorPageFault;

/** CPU time of the calling thread in ms (Linux: the first field of schedstat is ns on a CPU). */
const threadCpuMs = (): number => Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;

/** Runs the pipeline once on `file`, printing one JSON line of per-phase figures. */
async function measureOne(file: string): Promise<void> {
  // Imported here, after the observer starts, so that the child measures module loading as the shell does.
  let gcMs = 0;
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcMs += e.duration;
  });
  observer.observe({ entryTypes: ['gc'] });
  // As `vigil simulate` runs (see crm-shell/v8-tuning.ts).
  tuneV8ForOneShot();
  const { parseCib } = await import('../daemon/cib/parse.js');
  const { readCibFile } = await import('../daemon/cib/cib-text.js');
  const { computeWorkingSet } = await import('../daemon/scheduler/schedule.js');
  const { buildTransitionActions, executionOrder } = await import('../daemon/scheduler/transition-graph.js');
  const { describeWorkingSet, formatClusterStatus } = await import('../daemon/scheduler/cluster-status.js');
  // GC entries are delivered asynchronously (a few event-loop turns later): after each phase, wait for its own.
  const settle = () => new Promise<void>((resolve) => setTimeout(resolve, SETTLE_MS));
  const phases: Record<string, PhaseFigures> = {};
  const phase = async <T>(name: (typeof PHASES)[number], run: () => T): Promise<T> => {
    const [wall, cpu, gc, faults] = [performance.now(), threadCpuMs(), gcMs, minorFaults()];
    const result = run();
    const figures = { wall: performance.now() - wall, mainCpu: threadCpuMs() - cpu, gc: 0, faults: minorFaults() - faults };
    await settle();
    phases[name] = { ...figures, gc: gcMs - gc };
    return result;
  };
  const text = await phase('read', () => readCibFile(file));
  const cib = await phase('parse (scan + model)', () => parseCib(text, file));
  const { ws, histories } = await phase('schedule', () => computeWorkingSet(cib));
  const actions = await phase('transition graph', () => buildTransitionActions(ws));
  const status = await phase('status', () => formatClusterStatus(describeWorkingSet(ws, histories)));
  const ordered = await phase('execution order', () => executionOrder(actions));
  observer.disconnect();
  const usage = process.cpuUsage();
  console.log(JSON.stringify({ phases, allThreadsCpu: (usage.user + usage.system) / 1000, uptime: process.uptime() * 1000 - PHASES.length * SETTLE_MS, processFaults: minorFaults(), actions: ordered.length, statusChars: status.length }));
}

function main(): void {
  let sizes = '4/50,16/500,32/2000,64/5000';
  const argv = process.argv.slice(2);
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
      const { phases, allThreadsCpu, uptime, processFaults } = JSON.parse(run.stdout) as { phases: Record<string, PhaseFigures>; allThreadsCpu: number; uptime: number; processFaults: number };
      const sum = (f: keyof PhaseFigures) => Object.values(phases).reduce((a, p) => a + p[f], 0);
      for (const p of PHASES) rows.push([size, p, ...[phases[p].wall, phases[p].mainCpu, phases[p].gc, phases[p].faults].map((v) => v.toFixed(0))]);
      rows.push([size, 'all phases', ...[sum('wall'), sum('mainCpu'), sum('gc'), sum('faults')].map((v) => v.toFixed(0))]);
      rows.push([size, `process (start to end; CPU of all threads ${allThreadsCpu.toFixed(0)} ms)`, uptime.toFixed(0), '', '', String(processFaults)]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const header = ['nodes/VMs', 'phase', 'wall ms', 'main-thread cpu ms', 'gc pause ms', 'minor faults'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const r of [header, ...rows]) console.log(r.map((c, i) => (i >= 2 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  '));
}

if (process.argv[2] === '--one') {
  measureOne(process.argv[3]).catch((err: unknown) => {
    process.stderr.write(`bench:scheduler-phases: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  });
} else {
  try {
    main();
  } catch (err) {
    process.stderr.write(`bench:scheduler-phases: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}
