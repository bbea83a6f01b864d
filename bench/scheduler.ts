/**
 * Scheduler benchmark: vigil simulate vs Pacemaker's crm_simulate on
 * synthetic VM clusters from ../shared/pacemaker-scheduler/gen-cib.mjs.
 * For each size it prints wall time, CPU time and peak RSS of both, the
 * speed ratio, and whether both Transition Summaries are the same multiset.
 *
 *   npm run bench:scheduler -- [--sizes 4/50,16/500,32/2000,64/5000] [--skip-crm-above VMS]
 *
 * crm_simulate runs as `crm_simulate -R -x FILE` (-R: run the scheduler; -Q
 * is left out because it also suppresses the summary we compare).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
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
function measure(cmd: string, args: string[]): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
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

function parseArgs(argv: string[]): { sizes: [number, number][]; skipCrmAbove: number } {
  let sizes: [number, number][] = [[4, 50], [16, 500], [32, 2000], [64, 5000]];
  let skipCrmAbove = Infinity;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--sizes') sizes = argv[++i].split(',').map((s) => s.split('/').map(Number) as [number, number]);
    else if (argv[i] === '--skip-crm-above') skipCrmAbove = Number(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]} (use --sizes N/M,... and --skip-crm-above VMS)`);
  }
  return { sizes, skipCrmAbove };
}

const fmt = (n: number, d = 2) => n.toFixed(d);

async function main(): Promise<void> {
  const { sizes, skipCrmAbove } = parseArgs(process.argv.slice(2));
  if (!existsSync(join(shared, 'gen-cib.mjs'))) throw new Error(`gen-cib.mjs not found under ${shared}`);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-'));
  const rows: string[][] = [];
  try {
    for (const [nodes, vms] of sizes) {
      const file = join(dir, `cib-${nodes}-${vms}.xml`);
      const gen = await measure(process.execPath, [join(shared, 'gen-cib.mjs'), '--nodes', String(nodes), '--vms', String(vms), '--out', file]);
      if (gen.code !== 0) throw new Error(`gen-cib failed: ${gen.stdout}`);
      const vigil = await measure(process.execPath, [join(repo, 'bin', 'vigil.mjs'), 'simulate', '-x', file]);
      if (vigil.code !== 0) throw new Error(`vigil simulate failed on ${file}: ${vigil.stdout.slice(-500)}`);
      const vSummary = summaryBlock(vigil.stdout) ?? [];
      let crmCells = ['skipped', '-', '-', '-', '-'];
      if (vms <= skipCrmAbove) {
        const crm = await measure('crm_simulate', ['-R', '-x', file]);
        const cSummary = summaryBlock(crm.stdout);
        const same = cSummary !== undefined && sameLines(cSummary, vSummary);
        const diff = cSummary ? vSummary.filter((l) => !cSummary.includes(l)).length + cSummary.filter((l) => !vSummary.includes(l)).length : NaN;
        crmCells = [fmt(crm.wallS), fmt(crm.cpuS), fmt(crm.peakMb, 0), `${fmt(crm.wallS / vigil.wallS, 1)}x`, same ? 'yes' : `no (${diff} lines differ of ${cSummary?.length ?? 0})`];
      }
      rows.push([`${nodes}/${vms}`, fmt(vigil.wallS), fmt(vigil.cpuS), fmt(vigil.peakMb, 0), ...crmCells, String(vSummary.length)]);
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
