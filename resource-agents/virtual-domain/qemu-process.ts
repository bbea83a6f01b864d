import { dirname, join } from 'node:path';
import { writeGuardWatch } from '../../daemon/executor/guard-pid-files.js';
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

/**
 * QEMU is libvirtd's child, not the agent's: name it for the node's guard as a standing watch
 * on libvirt's pid file for the domain (guard-pid-files), so the guard kills whatever QEMU runs
 * the guest here when vigild dies — including one an incoming live migration created before
 * this node's migrate_from ran. Returns false when the hypervisor is not local (nothing the
 * guard could kill).
 */
export function watchQemuForGuard(ctx: ActionContext, uri: string, domain: string): boolean {
  const runDir = localRunDir(uri);
  if (!runDir) return false;
  writeGuardWatch(ctx.env.HA_RSCTMP ?? '/run/resource-agents', ctx.env.OCF_RESOURCE_INSTANCE ?? 'VirtualDomain', {
    pidFile: join(runDir, 'qemu', `${domain}.pid`),
    arg: `guest=${domain}`,
  });
  return true;
}
