/**
 * Node-loss failover on a real 3-node cluster (3-member etcd + 3 vigild processes + agents):
 * each run SIGKILLs one node's vigild (the DC in odd runs, another node in even ones) and measures,
 * from the agents' own action log, the time from the kill to the successful start elsewhere
 * of every resource that ran there. Resources prefer a home node (score 50, stickiness 0), so
 * they fail back once the node returns and every run has resources on every node.
 * Prints one line per run, then the summary JSON as the last line.
 *   npm run bench:failover [-- --runs N]
 */
import { ActivitySampler, LocalCluster } from '../test/integration/support/local-cluster.js';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 10;
const NODES = ['n1', 'n2', 'n3'];
const RESOURCES = NODES.flatMap((n) => [`${n}a`, `${n}b`].map((id) => ({ id, home: n })));
const RECOVERY_LIMIT_MS = 15_000;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main(): Promise<void> {
  const cluster = await LocalCluster.start({ size: 3 });
  const ids = RESOURCES.map((r) => r.id);
  const sampler = new ActivitySampler(cluster, ids);
  const times: number[] = [];
  let lost = 0;
  try {
    await cluster.configure(
      RESOURCES.map((r) => cluster.dummy(r.id, { monitorS: 2 })).join(''),
      RESOURCES.map((r) => `<rsc_location id="home-${r.id}" rsc="${r.id}" node="${r.home}" score="50"/>`).join(''),
      {},
      0,
    );
    const atHome = () => RESOURCES.every((r) => cluster.activeNodes(r.id).join() === r.home);
    for (let run = 1; run <= runs; run++) {
      await cluster.waitFor(atHome, 30_000, 'every resource running on its home node');
      const dc = await cluster.dc();
      const others = NODES.filter((n) => n !== dc);
      const victim = run % 2 === 1 ? dc : others[(run / 2) % others.length];
      const affected = RESOURCES.filter((r) => r.home === victim).map((r) => r.id);
      const killedAt = Date.now();
      await cluster.killNode(victim);
      const recoveredAt = (id: string) =>
        cluster.agentActions().find((a) => a.resource === id && a.action === 'start' && a.rc === 0 && a.node !== victim && a.at >= killedAt)?.at;
      try {
        await cluster.waitFor(() => affected.every((id) => recoveredAt(id) !== undefined), RECOVERY_LIMIT_MS, `resources of ${victim} started elsewhere`);
        const ms = Math.max(...affected.map((id) => recoveredAt(id)! - killedAt));
        times.push(ms);
        process.stdout.write(`run ${run}: killed ${victim}${victim === dc ? ' (DC)' : ''}, ${affected.join('+')} running elsewhere after ${ms} ms\n`);
      } catch {
        const missing = affected.filter((id) => recoveredAt(id) === undefined);
        lost += missing.length;
        process.stdout.write(`run ${run}: killed ${victim}: ${missing.join('+')} not started elsewhere within ${RECOVERY_LIMIT_MS} ms\n`);
      }
      await cluster.restartNode(victim);
    }
  } finally {
    sampler.stop();
    await cluster.stop();
  }
  const sorted = [...times].sort((a, b) => a - b);
  const summary = {
    scenario: 'node-loss',
    runs,
    p50_ms: percentile(sorted, 50),
    p99_ms: percentile(sorted, 99),
    max_ms: sorted[sorted.length - 1] ?? NaN,
    double_active: sampler.doubleActive.length,
    lost,
  };
  if (sampler.doubleActive.length > 0) process.stdout.write(`double activity: ${JSON.stringify(sampler.doubleActive.slice(0, 5))}\n`);
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:failover: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
