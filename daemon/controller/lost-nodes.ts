import type { CibSnapshot } from '../cib/store.js';

export interface LostNodeVerdict {
  /** Nodes absent for at least the fencing margin and not yet marked down: fence-confirm them now. */
  confirm: string[];
  /** Time until the next absent node passes its margin; undefined when none is waiting. */
  waitMs?: number;
}

/**
 * Lease-based fencing as the DC sees it: a node whose presence key vanished has had its lease
 * expire at etcd, after its own self-fence deadline; once the fencing margin (clock-rate drift)
 * has also passed since we first saw it absent, it is safely down. A DC that just took over
 * starts the margin from its own first observation, which is later than the real expiry: safe.
 */
export class LostNodes {
  private readonly absentSince = new Map<string, number>();

  constructor(private readonly marginMs: number) {}

  update(snapshot: CibSnapshot, configuredNodes: string[], now: number): LostNodeVerdict {
    const members = new Set(snapshot.members);
    const known = new Set([...configuredNodes, ...snapshot.status.keys()]);
    for (const node of [...this.absentSince.keys()]) if (members.has(node)) this.absentSince.delete(node);
    const confirm: string[] = [];
    let waitMs: number | undefined;
    for (const node of known) {
      if (members.has(node) || snapshot.status.get(node)?.down) continue;
      const since = this.absentSince.get(node) ?? now;
      this.absentSince.set(node, since);
      const left = since + this.marginMs - now;
      if (left <= 0) confirm.push(node);
      else waitMs = Math.min(waitMs ?? left, left);
    }
    return { confirm, waitMs };
  }

  /** Forget a node once it is marked down (or rejoined). */
  settled(node: string): void {
    this.absentSince.delete(node);
  }
}
