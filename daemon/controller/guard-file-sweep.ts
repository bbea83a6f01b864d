import type { Watcher } from 'etcd3';
import type { CibStore } from '../cib/store.js';
import { parseXml, type XmlElement } from '../cib/xml.js';
import type { Lifecycle } from '../util/lifecycle.js';
import type { Logger } from '../util/logger.js';

/** What the sweep needs of the node's executor. */
export interface GuardedResources {
  guardedResources(): string[];
  forgetResource(resource: string): Promise<void>;
}

/**
 * Removes the guard files (executor/guard-pid-files) of resources the cluster has forgotten
 * on this node: deleted from the configuration, and no history left here (the DC forgets an
 * orphan's history once it is stopped). An agent's watch otherwise outlives its resource —
 * VirtualDomain names the domain's QEMU on every node it probed — and the guard, firing,
 * would kill a guest of that name an administrator later started by hand.
 *
 * Sweeps at start and after each deletion in this node's history. It reads the configuration,
 * then this node's history keys (not the whole cluster's status): a resource added again after
 * the first read keeps its files if its probe here is recorded by the second; an agent that
 * writes them anew later than that (a probe of a resource re-added in that instant) has them
 * back at its next operation here.
 */
export class GuardFileSweep implements Lifecycle {
  private watcher?: Watcher;
  private sweeping?: Promise<void>;
  private again = false;

  constructor(
    private readonly node: string,
    private readonly store: CibStore,
    private readonly executor: GuardedResources,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    this.watcher = await this.store.watchHistoryDeletions(this.node, () => this.request());
    this.request();
  }

  async stop(): Promise<void> {
    const watcher = this.watcher;
    this.watcher = undefined;
    await watcher?.cancel();
    await this.sweeping;
  }

  /** One sweep at a time; deletions meanwhile ask for one more after it. */
  private request(): void {
    if (this.sweeping) {
      this.again = true;
      return;
    }
    this.sweeping = this.sweep()
      .catch((err: unknown) => this.log.warn({ err }, 'guard file sweep failed; the next deletion in this node\'s history retries it'))
      .finally(() => {
        this.sweeping = undefined;
        if (this.again && this.watcher) {
          this.again = false;
          this.request();
        }
      });
  }

  private async sweep(): Promise<void> {
    const named = this.executor.guardedResources();
    if (named.length === 0) return;
    const configured = primitiveIds(parseXml((await this.store.readConfiguration()).xml));
    const history = await this.store.resourcesWithHistory(this.node);
    for (const resource of staleGuardResources(named, configured, history)) {
      await this.executor.forgetResource(resource);
      this.log.info({ resource }, 'removed the guard files of a resource deleted from the configuration, with no history left here');
    }
  }
}

/**
 * The resources among `named` the cluster has forgotten: not configured (a clone instance
 * `id:N` counts as its primitive `id`) and without history here.
 */
export function staleGuardResources(named: string[], configured: ReadonlySet<string>, history: ReadonlySet<string>): string[] {
  return named.filter((r) => !history.has(r) && !configured.has(r.replace(/:\d+$/, '')));
}

function primitiveIds(configuration: XmlElement, ids = new Set<string>()): Set<string> {
  if (configuration.name === 'primitive' && configuration.attrs.id) ids.add(configuration.attrs.id);
  for (const child of configuration.children) primitiveIds(child, ids);
  return ids;
}
