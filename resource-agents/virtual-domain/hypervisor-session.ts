import { DomainState as LibvirtState, Hypervisor, type Domain } from '@unraid/libvirt';
import type { Logger } from '../../daemon/util/logger.js';
import type { OpBudget } from '../lib/op-budget.js';
import { CommandFailedError, CommandTimeoutError, runCommand, runCommandRaw } from '../lib/run-command.js';
import { DomainOperationError, HypervisorTimeoutError, HypervisorUnreachableError } from './hypervisor-errors.js';

export type DomainState = 'running' | 'blocked' | 'paused' | 'shutdown' | 'shutoff' | 'crashed' | 'pmsuspended' | 'nostate' | 'absent';

const STATE_NAMES: Record<LibvirtState, DomainState> = {
  [LibvirtState.NOSTATE]: 'nostate',
  [LibvirtState.RUNNING]: 'running',
  [LibvirtState.BLOCKED]: 'blocked',
  [LibvirtState.PAUSED]: 'paused',
  [LibvirtState.SHUTDOWN]: 'shutdown',
  [LibvirtState.SHUTOFF]: 'shutoff',
  [LibvirtState.CRASHED]: 'crashed',
  [LibvirtState.PMSUSPENDED]: 'pmsuspended',
};

/** Live migration flavours; see the agent's meta-data for which transports each needs. */
export type MigrationMode = 'tunnelled' | 'p2p' | 'direct';

/** One libvirt call should never need more than this, even when the op budget is large. */
const CALL_CAP_MS = 30_000;

let stuckNativeCalls = 0;

/**
 * True when a binding call timed out and is still blocked in a libuv worker
 * thread: exit() would then wait for it forever (libuv joins its threads at
 * exit), so the agent must leave by SIGKILL instead.
 */
export const hasStuckNativeCalls = (): boolean => stuckNativeCalls > 0;

// The binding loses libvirt's error codes (always -1): "no such domain" is recognised by its message.
const isNoDomain = (err: unknown) => /domain not found|no domain with matching/i.test((err as Error)?.message ?? '');

/**
 * The agent's connection to one hypervisor. Every call is bounded by the op's
 * budget: a libvirtd that stops answering makes the call fail with
 * HypervisorTimeoutError instead of hanging the agent (the native call may stay
 * blocked in a worker thread; the agent process exits after the action anyway).
 * State queries and lifecycle calls use the @unraid/libvirt binding (~1 ms per
 * call); migration, which the binding lacks, uses virsh.
 */
export class HypervisorSession {
  private readonly hypervisor: Hypervisor;
  private opened = false;

  constructor(
    readonly uri: string,
    private readonly budget: OpBudget,
    private readonly log: Logger,
  ) {
    this.hypervisor = new Hypervisor({ uri });
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    const timeoutMs = this.budget.callTimeout(what, CALL_CAP_MS);
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const pending = fn().finally(() => {
      if (!settled) return;
      stuckNativeCalls--;
    });
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        settled = true;
        stuckNativeCalls++;
        reject(new HypervisorTimeoutError(`${what} on ${this.uri}: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([pending, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async open(): Promise<void> {
    if (this.opened) return;
    try {
      await this.call('connect', () => this.hypervisor.connectOpen());
    } catch (err) {
      if (err instanceof HypervisorTimeoutError) throw err;
      throw new HypervisorUnreachableError(`cannot connect to ${this.uri}: ${(err as Error).message}`, { cause: err });
    }
    this.opened = true;
  }

  private async lookup(name: string): Promise<Domain | undefined> {
    await this.open();
    try {
      return await this.call(`lookup of ${name}`, () => this.hypervisor.domainLookupByName(name));
    } catch (err) {
      if (isNoDomain(err)) return undefined;
      throw err;
    }
  }

  async state(name: string): Promise<DomainState> {
    const domain = await this.lookup(name);
    if (!domain) return 'absent';
    try {
      const info = await this.call(`state of ${name}`, () => this.hypervisor.domainGetInfo(domain));
      return STATE_NAMES[info.state] ?? 'nostate';
    } catch (err) {
      // Gone between lookup and query (transient domain destroyed or migrated away).
      if (isNoDomain(err)) return 'absent';
      throw err;
    }
  }

  /** Starts a transient domain from its XML (the config file stays the single source of truth). */
  async create(name: string, xml: string): Promise<void> {
    await this.open();
    await this.domainCall(`create of ${name}`, () => this.hypervisor.domainCreateXML(xml));
  }

  /** Asks the guest to shut down (ACPI); false if the domain was already gone. */
  async shutdown(name: string): Promise<boolean> {
    const domain = await this.lookup(name);
    if (!domain) return false;
    await this.domainCall(`shutdown of ${name}`, () => this.hypervisor.domainShutdown(domain));
    return true;
  }

  async destroy(name: string): Promise<void> {
    const domain = await this.lookup(name);
    if (!domain) return;
    await this.domainCall(`destroy of ${name}`, () => this.hypervisor.domainDestroy(domain));
  }

  private async domainCall<T>(what: string, fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await this.call(what, fn);
    } catch (err) {
      if (err instanceof HypervisorTimeoutError) throw err;
      if (isNoDomain(err) && !what.startsWith('create')) return undefined;
      throw new DomainOperationError(`${what} on ${this.uri} failed: ${(err as Error).message}`, { cause: err });
    }
  }

  /** Live-migrates with virsh (the binding has no migration API), within the op budget. */
  async migrate(name: string, targetUri: string, mode: MigrationMode): Promise<void> {
    const flags = mode === 'tunnelled' ? ['--p2p', '--tunnelled'] : mode === 'p2p' ? ['--p2p'] : [];
    const args = ['-c', this.uri, 'migrate', '--live', ...flags, name, targetUri];
    const timeoutMs = this.budget.callTimeout(`migration of ${name}`);
    this.log.info({ target: targetUri, mode, timeoutMs }, 'live migration starting');
    try {
      await runCommand('virsh', args, timeoutMs);
    } catch (err) {
      if (err instanceof CommandTimeoutError) await this.abortJob(name);
      const detail = err instanceof CommandFailedError ? (err.result.stderr || err.result.stdout).trim() : (err as Error).message;
      throw new DomainOperationError(`migration of ${name} to ${targetUri} failed: ${detail}`, { cause: err });
    }
  }

  /**
   * Whether `name` runs on another hypervisor, asked with virsh (a child process
   * that can be abandoned, unlike a blocked binding call). undefined = no answer.
   */
  static async runningAt(uri: string, name: string, timeoutMs: number): Promise<boolean | undefined> {
    try {
      const r = await runCommandRaw('virsh', ['-c', uri, 'domstate', name], timeoutMs);
      if (r.code === 0) return r.stdout.trim() === 'running' || r.stdout.trim() === 'paused';
      return /failed to get domain|domain not found/i.test(r.stderr) ? false : undefined;
    } catch {
      return undefined;
    }
  }

  /** A killed virsh leaves the migration job running in libvirtd: cancel it so the source keeps the guest. */
  private async abortJob(name: string): Promise<void> {
    try {
      await runCommand('virsh', ['-c', this.uri, 'domjobabort', name], 5000);
    } catch (err) {
      this.log.warn({ err }, 'could not abort the migration job');
    }
  }

  async close(): Promise<void> {
    if (!this.opened) return;
    this.opened = false;
    await Promise.race([this.hypervisor.connectClose().catch(() => undefined), new Promise((r) => setTimeout(r, 1000).unref())]);
  }
}
