import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { removeGuardPids, writeGuardPids } from '../../daemon/executor/guard-pid-files.js';
import type { ActionContext } from '../lib/ocf-agent.js';

/**
 * libvirtd's run directory for a URI that reaches a libvirtd on this machine: the directory
 * of its socket (`?socket=`), /run/libvirt for qemu:///system; undefined for a remote host,
 * whose QEMU this node cannot kill.
 */
function localRunDir(uri: string): string | undefined {
  const m = /^qemu(?:\+unix)?:\/\/(\/[^?]*)(?:\?(.*))?$/.exec(uri);
  if (!m || m[1] !== '/system') return undefined;
  const socket = new URLSearchParams(m[2] ?? '').get('socket');
  return socket ? dirname(socket) : '/run/libvirt';
}

/** The pid of the QEMU libvirtd runs the domain in (its pid file, checked against the process's command line). */
function qemuPid(uri: string, domain: string): number | undefined {
  const runDir = localRunDir(uri);
  if (!runDir) return undefined;
  try {
    const pid = Number(readFileSync(join(runDir, 'qemu', `${domain}.pid`), 'utf8').trim());
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return cmdline.some((arg) => arg === `guest=${domain}` || arg.startsWith(`guest=${domain},`)) ? pid : undefined;
  } catch {
    return undefined;
  }
}

const rscTmp = (ctx: ActionContext) => ctx.env.HA_RSCTMP ?? '/run/resource-agents';
const instance = (ctx: ActionContext) => ctx.env.OCF_RESOURCE_INSTANCE ?? 'VirtualDomain';

/**
 * QEMU is libvirtd's child, not the agent's: name it for the node's guard (guard-pid-files),
 * which kills it when vigild dies, as it kills the agents' own processes.
 */
export function recordQemuForGuard(ctx: ActionContext, uri: string, domain: string): void {
  const pid = qemuPid(uri, domain);
  if (pid === undefined) {
    ctx.log.warn({ domain, uri }, 'QEMU pid of the domain not found: the guard cannot kill it if the daemon dies');
    removeGuardPids(rscTmp(ctx), instance(ctx));
    return;
  }
  writeGuardPids(rscTmp(ctx), instance(ctx), [pid]);
}

/** The domain no longer runs here: nothing left for the guard to kill. */
export function forgetQemuForGuard(ctx: ActionContext): void {
  removeGuardPids(rscTmp(ctx), instance(ctx));
}
