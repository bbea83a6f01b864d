import { mkdirSync } from 'node:fs';
import { OcfRc } from '../../daemon/executor/operation.js';
import { NotInstalledError, ResourceFailedError } from '../lib/agent-errors.js';
import type { ActionContext, AgentDefinition } from '../lib/ocf-agent.js';
import { standardActions } from '../lib/meta-data.js';
import { isTrue } from '../lib/parameters.js';
import { runCommand, runCommandRaw } from '../lib/run-command.js';
import { mountAt } from './mount-table.js';

const POLL_MS = 500;

/** mount(8) arguments for the configured kind of store. */
function mountArgs(p: Record<string, string>): string[] {
  const opts = p.options ? ['-o', p.options] : [];
  if (p.fstype === 'bind') return ['--bind', ...opts, p.source, p.directory];
  return ['-t', p.fstype, ...opts, p.source, p.directory];
}

/**
 * Reads and writes a probe file through a child process: on a dead NFS server
 * the I/O blocks in the kernel, and only a separate process can be abandoned.
 */
async function checkIo(ctx: ActionContext): Promise<void> {
  const node = (ctx.env.OCF_RESKEY_CRM_meta_on_node ?? 'node').replace(/[^A-Za-z0-9_.-]/g, '_');
  const probe = `${ctx.params.directory}/.vigil-storage-check-${node}`;
  const script = isTrue(ctx.params.check_write) ? 'printf ok > "$1" && test "$(cat "$1")" = ok && rm -f "$1"' : 'ls -a "$2" > /dev/null';
  const r = await runCommandRaw('sh', ['-c', script, 'check', probe, ctx.params.directory], ctx.budget.callTimeout('storage I/O check', 20_000)).catch((err: Error) => ({ code: -1, stderr: err.message, stdout: '' }));
  if (r.code !== 0) throw new ResourceFailedError(`store at ${ctx.params.directory} is mounted but not usable: ${r.stderr.trim() || `exit ${r.code}`}`);
}

async function start(ctx: ActionContext): Promise<OcfRc> {
  const p = ctx.params;
  if (!mountAt(p.directory)) {
    mkdirSync(p.directory, { recursive: true });
    await runCommand('mount', mountArgs(p), ctx.budget.callTimeout('mount', 60_000)).catch((err: Error) => {
      throw new ResourceFailedError(`mounting ${p.source} on ${p.directory} failed: ${err.message}`, { cause: err });
    });
    ctx.log.info({ source: p.source, directory: p.directory, fstype: p.fstype }, 'store mounted');
  }
  await checkIo(ctx);
  return OcfRc.Success;
}

async function stop(ctx: ActionContext): Promise<OcfRc> {
  const dir = ctx.params.directory;
  // Retry within the budget: a VM being destroyed may still hold the image for a moment.
  let last = '';
  while (mountAt(dir)) {
    const r = await runCommandRaw('umount', [dir], ctx.budget.callTimeout('umount', 20_000));
    if (r.code === 0) continue;
    last = r.stderr.trim();
    if (ctx.budget.remainingMs() < POLL_MS * 2) throw new ResourceFailedError(`cannot unmount ${dir}: ${last}`);
    await new Promise((res) => setTimeout(res, POLL_MS));
  }
  ctx.log.info({ directory: dir }, 'store unmounted');
  return OcfRc.Success;
}

async function monitor(ctx: ActionContext): Promise<OcfRc> {
  if (!mountAt(ctx.params.directory)) return OcfRc.NotRunning;
  await checkIo(ctx);
  return OcfRc.Success;
}

async function validateAll(ctx: ActionContext): Promise<OcfRc> {
  const r = await runCommandRaw('sh', ['-c', 'command -v mount umount'], 5000);
  if (r.code !== 0) throw new NotInstalledError('mount/umount (util-linux) not found');
  if (ctx.params.fstype === 'nfs') {
    const helper = await runCommandRaw('sh', ['-c', 'command -v mount.nfs || test -x /sbin/mount.nfs'], 5000);
    if (helper.code !== 0) throw new NotInstalledError('fstype=nfs needs mount.nfs (Debian nfs-common)');
  }
  return OcfRc.Success;
}

const absolute = (v: string) => (v.startsWith('/') ? undefined : 'an absolute path');

export const storageAgent: AgentDefinition = {
  name: 'storage',
  version: '1.0',
  shortdesc: 'VM image store on a node (vigil)',
  longdesc:
    'Makes the VM image store available at `directory`: a bind mount of a shared directory (fstype=bind), an NFS export (fstype=nfs, source host:/export), or a block device (fstype=ext4/xfs/…, source /dev/…). Monitor checks that it is mounted and readable (and writable with check_write). Clone it on every node; order VMs after it and colocate them with it, so a node whose store fails moves its VMs away.',
  parameters: [
    { name: 'source', type: 'string', required: true, shortdesc: 'What to mount', longdesc: 'Shared directory (bind), host:/export (nfs) or block device.' },
    { name: 'directory', type: 'string', required: true, unique: true, shortdesc: 'Mount point', longdesc: 'Where VM images are expected (the path in the domain XMLs).', check: absolute },
    { name: 'fstype', type: 'string', default: 'bind', shortdesc: 'bind, nfs or a filesystem type', longdesc: 'bind for a bind mount; otherwise passed to mount -t.', check: (v) => (/^[a-z0-9.]+$/.test(v) ? undefined : 'bind, nfs or a filesystem type name') },
    { name: 'options', type: 'string', shortdesc: 'Mount options', longdesc: 'Passed to mount -o (e.g. vers=4.2,hard for NFS).' },
    { name: 'check_write', type: 'boolean', default: 'true', shortdesc: 'Monitor writes a probe file', longdesc: 'If true, monitor writes, reads back and removes a small file; otherwise it only lists the directory.' },
  ],
  actions: standardActions({ start: 60, stop: 60, monitor: 40, monitorInterval: 20 }),
  handlers: { start, stop, monitor, status: monitor, 'validate-all': validateAll },
};
