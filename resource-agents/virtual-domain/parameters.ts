import { atLeast, type ParameterSpec } from '../lib/parameters.js';

const MODES = ['tunnelled', 'p2p', 'direct'];

/** "node=URI node=URI" (space or comma separated). */
export function parseUriMap(value: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const entry of value.split(/[\s,]+/).filter(Boolean)) {
    const eq = entry.indexOf('=');
    if (eq <= 0 || eq === entry.length - 1) throw new Error(`entry '${entry}' is not node=URI`);
    map.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  return map;
}

const checkMap = (value: string): string | undefined => {
  try {
    parseUriMap(value);
    return undefined;
  } catch (err) {
    return `space-separated node=URI entries (${(err as Error).message})`;
  }
};

export const VIRTUAL_DOMAIN_PARAMETERS: ParameterSpec[] = [
  {
    name: 'config',
    type: 'string',
    required: true,
    unique: true,
    shortdesc: 'Domain XML file',
    longdesc: 'Absolute path to the libvirt domain XML. The domain is started transient from this file, so the file is the single source of truth; it must exist on every node that may run the domain.',
    check: (v) => (v.startsWith('/') ? undefined : 'an absolute path'),
  },
  {
    name: 'hypervisor',
    type: 'string',
    default: 'qemu:///system',
    shortdesc: 'Local hypervisor URI',
    longdesc: "libvirt URI of this node's hypervisor. '%n' is replaced by the local node name (OCF_RESKEY_CRM_meta_on_node), for setups where each node's libvirtd has its own socket.",
  },
  {
    name: 'migration_uri_map',
    type: 'string',
    shortdesc: 'Migration target URI per node',
    longdesc: "Space-separated node=URI entries naming the hypervisor URI of each migration target node, e.g. 'n1=qemu+tcp://10.0.0.1/system n2=qemu+tcp://10.0.0.2/system'. Takes precedence over migration_uri_template. Start also asks these hypervisors (3 s each, unanswered ones skipped) and refuses to start a domain that already runs on another node.",
    check: checkMap,
  },
  {
    name: 'migration_uri_template',
    type: 'string',
    default: 'qemu+ssh://%n/system',
    shortdesc: 'Migration target URI template',
    longdesc: "Target hypervisor URI for a node not in migration_uri_map; '%n' is replaced by the target node name (OCF_RESKEY_CRM_meta_migrate_target).",
  },
  {
    name: 'migration_mode',
    type: 'string',
    default: 'tunnelled',
    shortdesc: 'Live migration mode: tunnelled, p2p or direct',
    longdesc:
      "tunnelled: peer-to-peer, the guest's memory travels inside the libvirtd-to-libvirtd connection (works over any target URI transport the source libvirtd can open: qemu+unix, qemu+tcp, qemu+tls, qemu+ssh; no extra ports). p2p: peer-to-peer control, QEMU-to-QEMU data on the target's migration port range. direct: this agent's virsh connects to both daemons (target URI must be reachable from the agent), data QEMU-to-QEMU. Tested in vigil's suite: tunnelled over qemu+unix, direct and p2p over qemu+tcp.",
    check: (v) => (MODES.includes(v) ? undefined : MODES.join(', ')),
  },
  {
    name: 'shutdown_timeout',
    type: 'integer',
    shortdesc: 'Seconds to wait for a graceful shutdown',
    longdesc: 'How long stop waits for the guest to shut down after an ACPI request before destroying it. Default: the stop timeout minus the time kept for destroy (a third of it, 5 to 15 s).',
    check: atLeast(0),
  },
  {
    name: 'force_stop',
    type: 'boolean',
    default: 'false',
    shortdesc: 'Destroy without a graceful shutdown',
    longdesc: 'If true, stop destroys the domain at once (like pulling the plug).',
  },
  {
    name: 'reboot_grace',
    type: 'integer',
    // QEMU reboots a guest in place (the domain stays); the grace covers libvirt's fake-reboot
    // window and a domain recreated by a hook, without delaying detection of a killed QEMU much.
    default: '3',
    shortdesc: 'Seconds a recurring monitor waits for a rebooting guest',
    longdesc: 'A recurring monitor that finds the domain shutting down, shut off or gone keeps looking for this long (within its timeout) before reporting it stopped, so a guest that reboots itself is not a failure.',
    check: atLeast(0),
  },
];
