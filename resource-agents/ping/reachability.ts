import { connect } from 'node:net';
import { runCommandRaw } from '../lib/run-command.js';

export type ReachMethod = 'icmp' | 'tcp';

/** One ICMP echo round via iputils ping (needs no privileges beyond what ping has). */
async function pingHost(host: string, timeoutS: number, attempts: number): Promise<boolean> {
  const r = await runCommandRaw('ping', ['-n', '-q', '-c', String(attempts), '-W', String(timeoutS), host], (timeoutS * attempts + 1) * 1000).catch(() => undefined);
  return r?.code === 0;
}

/** A TCP handshake to host:port, for networks that drop ICMP. */
function tcpConnect(host: string, port: number, timeoutS: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutS * 1000 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

/** How many of `hosts` answer, all probed in parallel. */
export async function countReachable(hosts: string[], method: ReachMethod, opts: { timeoutS: number; attempts: number; port: number }): Promise<number> {
  const results = await Promise.all(hosts.map((h) => (method === 'icmp' ? pingHost(h, opts.timeoutS, opts.attempts) : tcpConnect(h, opts.port, opts.timeoutS))));
  return results.filter(Boolean).length;
}
