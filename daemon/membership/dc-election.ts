import { Election, type Campaign, type Etcd3, type Watcher } from 'etcd3';
import { setTimeout as sleep } from 'node:timers/promises';
import { DC_ELECTION } from '../cib/store-keys.js';
import type { Lifecycle } from '../util/lifecycle.js';
import type { Logger } from '../util/logger.js';

/** Where etcd3's election API keeps the campaign keys of the DC election (Election.prefix/name/). */
const CAMPAIGN_PREFIX = `${Election.prefix}/${DC_ELECTION}/`;

export interface DcElectionOptions {
  client: Etcd3;
  node: string;
  ttlS: number;
  log: Logger;
  /** Called when this node becomes DC, and when it stops being DC. */
  onElected: () => void;
  onDeposed: () => void;
}

/**
 * DC election with etcd's election API: every node campaigns; the oldest campaign key
 * wins, and when the DC's campaign lease expires (the DC died) the next one takes over.
 */
export class DcElection implements Lifecycle {
  private campaign?: Campaign;
  private watcher?: Watcher;
  /** The leader as last read, and the etcd revision it was read at (older reads are ignored). */
  private leader?: string;
  private leaderRevision = -1;
  private elected = false;
  private stopped = false;

  constructor(private readonly o: DcElectionOptions) {}

  get isDc(): boolean {
    return this.elected;
  }

  /** The DC's name; our own once elected (the campaign tells before the watch shows our key). */
  get dc(): string | undefined {
    return this.elected ? this.o.node : this.leader;
  }

  async start(): Promise<void> {
    this.stopped = false;
    // Not etcd3's ElectionObserver: with no leader yet it takes the last of several campaign
    // keys created in one watch batch as the leader (the newest, not the oldest), so the real
    // DC saw "another node holds the DC role" and stepped down. The leader is re-read instead:
    // the campaign key with the lowest create revision, as etcd's own election defines it.
    this.watcher = await this.o.client.watch().prefix(CAMPAIGN_PREFIX).create();
    const reread = () =>
      void this.readLeader().catch((err: unknown) => this.o.log.warn({ err: (err as Error).message }, 'cannot read the DC; retrying on the next change'));
    this.watcher.on('put', reread);
    this.watcher.on('delete', reread);
    this.watcher.on('connected', reread);
    await this.readLeader();
    this.campaignFor();
  }

  private async readLeader(): Promise<void> {
    const res = await this.o.client.getAll().prefix(CAMPAIGN_PREFIX).sort('Create', 'Ascend').limit(1).exec();
    const revision = Number(res.header.revision);
    if (revision < this.leaderRevision || this.stopped) return;
    this.leaderRevision = revision;
    const leader = res.kvs[0]?.value.toString();
    if (leader === this.leader) return;
    this.leader = leader;
    this.observed();
  }

  /**
   * The election's current leader changed. If it is not us while we act as DC, our campaign
   * key is gone at etcd (its lease expired unnoticed): step down at once and campaign again,
   * so two controllers never run side by side.
   */
  private observed(): void {
    const leader = this.leader;
    this.o.log.info({ dc: leader ?? null }, 'DC changed');
    if (this.elected && leader !== undefined && leader !== this.o.node) {
      this.o.log.warn({ dc: leader }, 'another node holds the DC role: stepping down');
      void this.resign();
    }
  }

  private campaignFor(): void {
    const election = this.o.client.election(DC_ELECTION, this.o.ttlS);
    const campaign = election.campaign(this.o.node);
    this.campaign = campaign;
    campaign.on('elected', () => {
      if (campaign !== this.campaign) return;
      this.elected = true;
      this.o.log.info('elected DC');
      this.o.onElected();
    });
    campaign.on('error', (err) => {
      if (campaign !== this.campaign || this.stopped) return;
      this.o.log.warn({ err: err.message }, 'DC campaign lost; campaigning again');
      this.depose();
      this.campaign = undefined;
      void sleep(200).then(() => {
        if (!this.stopped) this.campaignFor();
      });
    });
  }

  /** Gives up the DC role now (this node's own lease is in doubt) and campaigns again. */
  async resign(): Promise<void> {
    const campaign = this.campaign;
    this.campaign = undefined;
    this.depose();
    await campaign?.resign().catch(() => undefined);
    if (!this.stopped) this.campaignFor();
  }

  private depose(): void {
    if (!this.elected) return;
    this.elected = false;
    this.o.log.warn('no longer DC');
    this.o.onDeposed();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const campaign = this.campaign;
    this.campaign = undefined;
    this.depose();
    await campaign?.resign().catch(() => undefined);
    await this.watcher?.cancel().catch(() => undefined);
  }
}
