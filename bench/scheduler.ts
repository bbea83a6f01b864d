/**
 * Scheduler benchmark: vigil simulate vs Pacemaker's crm_simulate on
 * synthetic VM clusters from ../shared/pacemaker-scheduler/gen-cib.mjs.
 * For each size it prints wall time, CPU time and peak RSS of both, the
 * speed ratio, and whether both Transition Summaries are the same multiset.
 *
 *   npm run bench:scheduler -- [--sizes 4/50,16/500,32/2000,64/5000] [--skip-crm-above VMS] [--runs N]
 *
 * With --runs N each command runs N times, alternating, and the table shows
 * medians (the speed-up is the ratio of the medians) with the range of wall
 * times: on a shared machine single runs vary by a third.
 *
 * crm_simulate runs as `crm_simulate -R -x FILE` (-R: run the scheduler; -Q
 * is left out because it also suppresses the summary we compare). vigil runs
 * as installed, bin/vigil.mjs as a program, with this Node first on the PATH.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sameLines, summaryBlock } from '../daemon/scheduler/summary-text.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const shared = join(repo, '..', 'shared', 'pacemaker-scheduler');
const CLOCK_TICKS_PER_S = 100;

interface Measured {
  wallS: number;
  cpuS: number;
  peakMb: number;
  stdout: string;
  code: number | null;
}

/** Reads VmHWM (kB) and utime+stime (ticks) of a live process; undefined once it is gone. */
function sample(pid: number): { hwmKb: number; ticks: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const hwm = /VmHWM:\s+(\d+)/.exec(status);
    // Fields after the ")" of the command name: utime and stime are the 12th and 13th.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { hwmKb: hwm ? Number(hwm[1]) : 0, ticks: Number(rest[11]) + Number(rest[12]) };
  } catch {
    return undefined;
  }
}

/** Runs a command, polling /proc for peak memory and CPU time while it runs. */
function measure(cmd: string, args: string[], env?: NodeJS.ProcessEnv): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    let peakKb = 0;
    let ticks = 0;
    const poll = setInterval(() => {
      const s = child.pid !== undefined ? sample(child.pid) : undefined;
      if (s) {
        peakKb = Math.max(peakKb, s.hwmKb);
        ticks = Math.max(ticks, s.ticks);
      }
    }, 20);
    child.on('error', (err) => {
      clearInterval(poll);
      reject(err);
    });
    child.on('close', (code) => {
      clearInterval(poll);
      const wallS = Number(process.hrtime.bigint() - start) / 1e9;
      resolve({ wallS, cpuS: ticks / CLOCK_TICKS_PER_S, peakMb: peakKb / 1024, stdout: Buffer.concat(chunks).toString('utf8'), code });
    });
  });
}

function parseArgs(argv: string[]): { sizes: [number, number][]; skipCrmAbove: number; runs: number } {
  let sizes: [number, number][] = [[4, 50], [16, 500], [32, 2000], [64, 5000]];
  let skipCrmAbove = Infinity;
  let runs = 1;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--sizes') sizes = argv[++i].split(',').map((s) => s.split('/').map(Number) as [number, number]);
    else if (argv[i] === '--skip-crm-above') skipCrmAbove = Number(argv[++i]);
    else if (argv[i] === '--runs') runs = Number(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]} (use --sizes N/M,..., --skip-crm-above VMS and --runs N)`);
  }
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs needs a positive integer, not "${argv[argv.indexOf('--runs') + 1]}"`);
  return { sizes, skipCrmAbove, runs };
}

const fmt = (n: number, d = 2) => n.toFixed(d);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** The median of several runs' figures (each run's own peak and CPU), and the range of wall times. */
function summarize(runs: Measured[]): { wallS: number; cpuS: number; peakMb: number; wallCell: string } {
  const walls = runs.map((r) => r.wallS);
  const wallS = median(walls);
  const range = runs.length > 1 ? ` (${fmt(Math.min(...walls))}–${fmt(Math.max(...walls))})` : '';
  return { wallS, cpuS: median(runs.map((r) => r.cpuS)), peakMb: median(runs.map((r) => r.peakMb)), wallCell: fmt(wallS) + range };
}

async function main(): Promise<void> {
  const { sizes, skipCrmAbove, runs } = parseArgs(process.argv.slice(2));
  const vigilEnv = { ...process.env, PATH: [dirname(process.execPath), process.env.PATH].filter(Boolean).join(delimiter) };
  if (!existsSync(join(shared, 'gen-cib.mjs'))) throw new Error(`gen-cib.mjs not found under ${shared}`);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-'));
  const rows: string[][] = [];
  try {
    for (const [nodes, vms] of sizes) {
      const file = join(dir, `cib-${nodes}-${vms}.xml`);
      const gen = await measure(process.execPath, [join(shared, 'gen-cib.mjs'), '--nodes', String(nodes), '--vms', String(vms), '--out', file]);
      if (gen.code !== 0) throw new Error(`gen-cib failed: ${gen.stdout}`);
      const withCrm = vms <= skipCrmAbove;
      const vigilRuns: Measured[] = [];
      const crmRuns: Measured[] = [];
      // Alternating, so that a busy spell of the machine falls on both.
      for (let r = 0; r < runs; r++) {
        const v = await measure(join(repo, 'bin', 'vigil.mjs'), ['simulate', '-x', file], vigilEnv);
        if (v.code !== 0) throw new Error(`vigil simulate failed on ${file}: ${v.stdout.slice(-500)}`);
        vigilRuns.push(v);
        if (withCrm) crmRuns.push(await measure('crm_simulate', ['-R', '-x', file]));
      }
      const vigil = summarize(vigilRuns);
      const vSummary = summaryBlock(vigilRuns[0].stdout) ?? [];
      let crmCells = ['skipped', '-', '-', '-', '-'];
      if (withCrm) {
        const crm = summarize(crmRuns);
        const cSummary = summaryBlock(crmRuns[0].stdout);
        const same = cSummary !== undefined && sameLines(cSummary, vSummary);
        const diff = cSummary ? vSummary.filter((l) => !cSummary.includes(l)).length + cSummary.filter((l) => !vSummary.includes(l)).length : NaN;
        crmCells = [crm.wallCell, fmt(crm.cpuS), fmt(crm.peakMb, 0), `${fmt(crm.wallS / vigil.wallS, 1)}x`, same ? 'yes' : `no (${diff} lines differ of ${cSummary?.length ?? 0})`];
      }
      rows.push([`${nodes}/${vms}`, vigil.wallCell, fmt(vigil.cpuS), fmt(vigil.peakMb, 0), ...crmCells, String(vSummary.length)]);
      process.stderr.write(`done ${nodes}/${vms}\n`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const header = ['nodes/VMs', 'vigil wall s', 'vigil cpu s', 'vigil MB', 'crm wall s', 'crm cpu s', 'crm MB', 'speed-up', 'same summary', 'summary lines'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  console.log(line(header));
  for (const r of rows) console.log(line(r));
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:scheduler: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
