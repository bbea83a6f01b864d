import type { Campaign, ElectionObserver, Etcd3 } from 'etcd3';
import { setTimeout as sleep } from 'node:timers/promises';
import { DC_ELECTION } from '../cib/store-keys.js';
import type { Lifecycle } from '../util/lifecycle.js';
import type { Logger } from '../util/logger.js';

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
  private observer?: ElectionObserver;
  private elected = false;
  private stopped = false;

  constructor(private readonly o: DcElectionOptions) {}

  get isDc(): boolean {
    return this.elected;
  }

  get dc(): string | undefined {
    return this.observer?.leader();
  }

  async start(): Promise<void> {
    this.stopped = false;
    const election = this.o.client.election(DC_ELECTION, this.o.ttlS);
    this.observer = await election.observe();
    this.observer.on('change', () => this.observed());
    this.observer.on('error', (err) => this.o.log.warn({ err: err.message }, 'DC observer error'));
    this.campaignFor();
  }

  /**
   * The election's current leader changed. If it is not us while we act as DC, our campaign
   * key is gone at etcd (its lease expired unnoticed): step down at once and campaign again,
   * so two controllers never run side by side.
   */
  private observed(): void {
    const leader = this.observer?.leader();
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
    await this.observer?.cancel().catch(() => undefined);
  }
}
