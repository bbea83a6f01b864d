import { childrenNamed, element, firstChild, parseXml, writeXml, type XmlElement } from './xml.js';
import type { CibSnapshot, NodeStatus } from './store.js';

/** Pacemaker 2.1.5's feature set and schema: what crm_simulate expects of a CIB it reads. */
const FEATURE_SET = '3.16.2';
const SCHEMA = 'pacemaker-3.9';

export interface ExportContext {
  dc?: string;
  quorate: boolean;
}

/**
 * The cluster state as one Pacemaker CIB document: configuration plus a status section
 * with a node_state per known node (members are online; absent nodes are offline, and
 * "expected down" only once fenced or shut down cleanly: otherwise they are unclean).
 */
export function exportCib(snapshot: CibSnapshot, context: ExportContext): XmlElement {
  const configuration = parseXml(snapshot.configuration.xml);
  const known = new Set<string>([...snapshot.members, ...snapshot.status.keys()]);
  for (const node of childrenNamed(firstChild(configuration, 'nodes') ?? element('nodes'), 'node')) {
    known.add(node.attrs.uname ?? node.attrs.id);
  }
  const members = new Set(snapshot.members);
  const states = [...known].sort().map((node) => nodeState(node, members.has(node), snapshot.status.get(node)));
  return element(
    'cib',
    {
      epoch: String(snapshot.configuration.epoch),
      admin_epoch: String(snapshot.configuration.adminEpoch),
      num_updates: String(snapshot.revision),
      'validate-with': SCHEMA,
      crm_feature_set: FEATURE_SET,
      'have-quorum': context.quorate ? '1' : '0',
      'dc-uuid': context.dc,
    },
    [configuration, element('status', {}, states)],
  );
}

export function exportCibText(snapshot: CibSnapshot, context: ExportContext): string {
  return writeXml(exportCib(snapshot, context));
}

function nodeState(node: string, member: boolean, status: NodeStatus | undefined): XmlElement {
  const attrs = member
    ? { in_ccm: 'true', crmd: 'online', join: 'member', expected: 'member' }
    : { in_ccm: 'false', crmd: 'offline', join: 'down', expected: status?.down ? 'down' : 'member' };
  const children: XmlElement[] = [];
  if (status && status.attributes.size > 0) {
    const nvpairs = [...status.attributes].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, value]) =>
      element('nvpair', { id: `status-${node}-${name}`, name, value }),
    );
    children.push(element('transient_attributes', { id: node }, [element('instance_attributes', { id: `status-${node}` }, nvpairs)]));
  }
  const resources = [...(status?.resources ?? [])].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, history]) =>
    element(
      'lrm_resource',
      { id, class: history.agent.class, provider: history.agent.provider, type: history.agent.type },
      // Notification results are the DC's to read, not history (Pacemaker records none).
      [...history.ops.values()].filter((op) => op.attrs.operation !== 'notify').sort((a, b) => Number(a.attrs['call-id'] ?? 0) - Number(b.attrs['call-id'] ?? 0)),
    ),
  );
  children.push(element('lrm', { id: node }, [element('lrm_resources', {}, resources)]));
  return element('node_state', { id: node, uname: node, ...attrs }, children);
}
