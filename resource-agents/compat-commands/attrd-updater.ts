import { childrenNamed, firstChild, parseXml, type XmlElement } from '../../daemon/cib/xml.js';
import { apiFromEnv, runCompat } from './api-from-env.js';
import { CrmExit, parseOptions, UsageError } from './command-line.js';
import { parseDelayMs } from './delay.js';

/**
 * attrd_updater as Debian's standard agents call it (ocf:pacemaker:ping,
 * attribute, ifspeed …), on vigild's attribute API:
 *   -n NAME  -U/-v VALUE | -B VALUE | -Y | -D | -Q [-A]   -d DAMPEN  -l reboot|forever  -N NODE  -p  -q
 */
const SPECS = [
  { short: 'n', long: 'name', value: true },
  { short: 'U', long: 'update', value: true },
  { short: 'v', long: 'value', value: true },
  { short: 'B', long: 'update-both', value: true },
  { short: 'Y', long: 'update-delay', value: false },
  { short: 'D', long: 'delete', value: false },
  { short: 'Q', long: 'query', value: false },
  { short: 'A', long: 'all', value: false },
  { short: 'R', long: 'refresh', value: false },
  { short: 'd', long: 'delay', value: true },
  { short: 'l', long: 'lifetime', value: true },
  { short: 'N', long: 'node', value: true },
  { short: 'p', long: 'private', value: false },
  { short: 'q', long: 'quiet', value: false },
  { short: 'V', long: 'verbose', value: false },
];

function attributeValue(cib: XmlElement, node: string, name: string, lifetime: string): string | undefined {
  const sets =
    lifetime === 'forever'
      ? (firstChild(firstChild(cib, 'configuration') ?? cib, 'nodes')?.children ?? []).filter((n) => n.name === 'node' && (n.attrs.uname ?? n.attrs.id) === node)
      : childrenNamed(firstChild(cib, 'status') ?? cib, 'node_state')
          .filter((s) => (s.attrs.uname ?? s.attrs.id) === node)
          .flatMap((s) => childrenNamed(s, 'transient_attributes'));
  for (const holder of sets) {
    for (const set of childrenNamed(holder, 'instance_attributes')) {
      const pair = childrenNamed(set, 'nvpair').find((p) => p.attrs.name === name);
      if (pair) return pair.attrs.value;
    }
  }
  return undefined;
}

async function attrdUpdater(argv: string[]): Promise<number> {
  const o = parseOptions(argv, SPECS);
  const name = o.get('name');
  if (!name) throw new UsageError('-n NAME is required');
  const lifetime = o.get('lifetime') ?? 'reboot';
  if (lifetime !== 'reboot' && lifetime !== 'forever') throw new UsageError(`invalid lifetime '${lifetime}' (reboot or forever)`);
  const api = apiFromEnv();
  const node = o.get('node') ?? (await api.nodeInfo()).node;
  const dampenMs = o.has('delay') ? parseDelayMs(o.get('delay')!) : undefined;

  if (o.has('query')) {
    const cib = parseXml(await api.getCib());
    const nodes = o.has('all') ? (await api.nodeInfo()).members : [node];
    let found = false;
    for (const n of nodes) {
      const value = attributeValue(cib, n, name, lifetime);
      if (value === undefined) continue;
      found = true;
      process.stdout.write(`name="${name}" host="${n}" value="${value}"\n`);
    }
    return found ? CrmExit.Ok : CrmExit.NoSuch;
  }
  if (o.has('delete')) {
    await api.setAttribute({ node, name, value: null, lifetime, dampenMs });
    return CrmExit.Ok;
  }
  const value = o.get('update-both') ?? o.get('update') ?? o.get('value');
  if (value !== undefined) {
    // -U alone writes at once; -B (and -v with -d, as ping calls it) dampens.
    await api.setAttribute({ node, name, value, lifetime, dampenMs: o.has('update') ? undefined : dampenMs });
    return CrmExit.Ok;
  }
  // -Y (new delay only) and -R (refresh) need no action: vigild keeps no per-attribute delay to change.
  if (o.has('update-delay') || o.has('refresh')) return CrmExit.Ok;
  throw new UsageError('one of -U/-v, -B, -Y, -D, -Q is required');
}

void runCompat('attrd_updater', () => attrdUpdater(process.argv.slice(2)));
