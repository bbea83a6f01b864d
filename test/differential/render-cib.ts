import { element, writeXml, type XmlElement } from '../../daemon/cib/xml.js';
import { operationDigest } from '../../daemon/cib/op-digest.js';
import { primitivesOf, type ClusterSpec, type ConstraintSpec, type HistorySpec, type NodeSpec, type PrimitiveSpec, type ResourceSpec } from './cluster-spec.js';

/** Must not exceed the reference simulator's own feature set (Debian's Pacemaker 2.1.5: 3.16.1). */
const FEATURE_SET = '3.16.1';
const UUID = 'd1ff0000-0000-4000-8000-000000000001';
/** a fixed epoch second for last-rc-change, last-failure and shutdown: nothing depends on "now" */
const T0 = '1700000000';
const MONITOR_TIMEOUT_S = 20;

const nvpairs = (tag: string, id: string, values: Record<string, string | number>): XmlElement[] =>
  Object.keys(values).length === 0
    ? []
    : [element(tag, { id }, Object.entries(values).map(([k, v]) => element('nvpair', { id: `${id}-${k}`, name: k, value: String(v) })))];

/** Turns a cluster spec into CIB XML (configuration + status) that crm_verify accepts. */
export function renderCib(spec: ClusterSpec): string {
  const configuration = element('configuration', {}, [
    element('crm_config', {}, nvpairs('cluster_property_set', 'cib-bootstrap-options', spec.properties)),
    element('nodes', {}, spec.nodes.map(renderNode)),
    element('resources', {}, spec.resources.map(renderResource)),
    element('constraints', {}, spec.constraints.map(renderConstraint)),
    element('rsc_defaults', {}, nvpairs('meta_attributes', 'rsc-options', spec.rscDefaults)),
  ]);
  const primitives = new Map(spec.resources.flatMap(primitivesOf).map((p) => [p.id, p]));
  const status = element('status', {}, spec.nodes.map((n) => renderNodeState(n, spec.histories.filter((h) => h.node === n.uname), primitives)));
  const cib = element(
    'cib',
    { crm_feature_set: FEATURE_SET, 'validate-with': 'pacemaker-3.7', epoch: '1', num_updates: '0', admin_epoch: '0', 'have-quorum': '1', 'dc-uuid': '1' },
    [configuration, status],
  );
  return writeXml(cib);
}

function renderNode(n: NodeSpec): XmlElement {
  const attrs: Record<string, string> = { ...n.attrs };
  if (n.state === 'standby') attrs.standby = 'on';
  if (n.state === 'maintenance') attrs.maintenance = 'true';
  return element('node', { id: n.id, uname: n.uname }, [
    ...nvpairs('instance_attributes', `nodes-${n.id}`, attrs),
    ...nvpairs('utilization', `nodes-${n.id}-utilization`, n.utilization ?? {}),
  ]);
}

function renderPrimitive(p: PrimitiveSpec): XmlElement {
  return element('primitive', { id: p.id, class: 'ocf', provider: p.provider, type: 'Dummy' }, [
    ...nvpairs('instance_attributes', `${p.id}-instance_attributes`, p.params),
    ...nvpairs('meta_attributes', `${p.id}-meta_attributes`, p.meta),
    ...nvpairs('utilization', `${p.id}-utilization`, p.utilization ?? {}),
    element('operations', {}, [
      element('op', { id: `${p.id}-monitor-${p.monitorInterval}s`, name: 'monitor', interval: `${p.monitorInterval}s`, timeout: `${MONITOR_TIMEOUT_S}s` }),
    ]),
  ]);
}

function renderResource(r: ResourceSpec): XmlElement {
  if (r.kind === 'primitive') return renderPrimitive(r);
  if (r.kind === 'group') return element('group', { id: r.id }, [...nvpairs('meta_attributes', `${r.id}-meta_attributes`, r.meta), ...r.members.map(renderPrimitive)]);
  return element('clone', { id: r.id }, [...nvpairs('meta_attributes', `${r.id}-meta_attributes`, r.meta), renderResource(r.child)]);
}

function renderSets(id: string, sets: { resources: string[]; sequential: boolean }[]): XmlElement[] {
  return sets.map((s, i) =>
    element('resource_set', { id: `${id}-set-${i}`, sequential: String(s.sequential) }, s.resources.map((r) => element('resource_ref', { id: r }))),
  );
}

function renderConstraint(c: ConstraintSpec): XmlElement {
  switch (c.kind) {
    case 'location':
      return element('rsc_location', { id: c.id, rsc: c.rsc, node: c.node, score: c.score });
    case 'location-rule':
      return element('rsc_location', { id: c.id, rsc: c.rsc }, [
        element(
          'rule',
          { id: `${c.id}-rule`, score: c.score, 'boolean-op': c.booleanOp },
          c.expressions.map((e, i) => element('expression', { id: `${c.id}-rule-expr-${i}`, attribute: e.attribute, operation: e.operation, value: e.value, type: e.type })),
        ),
      ]);
    case 'colocation':
      return element('rsc_colocation', { id: c.id, rsc: c.rsc, 'with-rsc': c.withRsc, score: c.score });
    case 'order':
      return element('rsc_order', { id: c.id, first: c.first, then: c.then, kind: c.orderKind, symmetrical: c.symmetrical === undefined ? undefined : String(c.symmetrical) });
    case 'colocation-set':
      return element('rsc_colocation', { id: c.id, score: c.score }, renderSets(c.id, c.sets));
    case 'order-set':
      return element('rsc_order', { id: c.id, kind: c.orderKind }, renderSets(c.id, c.sets));
  }
}

function renderNodeState(n: NodeSpec, histories: HistorySpec[], primitives: Map<string, PrimitiveSpec>): XmlElement {
  const up = n.state !== 'offline';
  const attrs: Record<string, string> = {};
  if (n.state === 'shutdown') attrs.shutdown = T0;
  for (const h of histories) {
    for (const [op, count] of Object.entries(h.failCounts)) {
      attrs[`fail-count-${h.recordId}#${op}`] = count;
      attrs[`last-failure-${h.recordId}#${op}`] = T0;
    }
  }
  let callId = 10;
  const resources = histories.map((h) => {
    const p = primitives.get(h.primitive);
    if (!p) throw new Error(`history ${h.recordId} on ${h.node} names unknown primitive ${h.primitive}`);
    const calls = new Map<string, number>();
    const ops = h.ops.map((op) => {
      const key = `${h.recordId}_${op.operation}_${op.intervalMs}`;
      // a last_failure record repeats the call it copies
      const call = op.id.endsWith('_last_failure_0') && calls.has(key) ? calls.get(key)! : callId++;
      calls.set(key, call);
      const transitionKey = `${call}:1:${op.targetRc}:${UUID}`;
      const params = op.staleParams ?? p.params;
      return element('lrm_rsc_op', {
        id: op.id,
        operation_key: key,
        operation: op.operation,
        'crm-debug-origin': 'differential',
        crm_feature_set: FEATURE_SET,
        'transition-key': transitionKey,
        'transition-magic': `0:${op.rc};${transitionKey}`,
        'exit-reason': '',
        on_node: n.uname,
        'call-id': String(call),
        'rc-code': String(op.rc),
        'op-status': '0',
        interval: String(op.intervalMs),
        'last-rc-change': T0,
        'exec-time': '10',
        'queue-time': '0',
        'op-digest': operationDigest(params, op.intervalMs ? MONITOR_TIMEOUT_S * 1000 : undefined),
      });
    });
    return element('lrm_resource', { id: h.recordId, class: 'ocf', provider: p.provider, type: 'Dummy' }, ops);
  });
  return element(
    'node_state',
    { id: n.id, uname: n.uname, in_ccm: String(up), crmd: up ? 'online' : 'offline', 'crm-debug-origin': 'differential', join: up ? 'member' : 'down', expected: up ? 'member' : 'down' },
    [
      element('transient_attributes', { id: n.id }, nvpairs('instance_attributes', `status-${n.id}`, attrs)),
      element('lrm', { id: n.id }, [element('lrm_resources', {}, resources)]),
    ],
  );
}
