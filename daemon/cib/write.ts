import { element, type XmlElement } from './xml.js';
import { formatScore } from './score.js';
import type { AttributeSet, Cib, Condition, Constraint, LrmOp, NodeState, OpDefinition, Primitive, Resource, ResourceSetRef, Rule } from './model.js';

/** Serializes the typed CIB back to Pacemaker's XML (the inverse of parseCib). */
export function writeCib(cib: Cib): XmlElement {
  const c = cib.configuration;
  const configuration = element('configuration', {}, [
    element('crm_config', {}, c.crmConfig.map((s) => attributeSet('cluster_property_set', s))),
    element('nodes', {}, c.nodes.map((n) => element('node', { id: n.id, uname: n.uname, type: n.type }, [
      ...n.attributes.map((s) => attributeSet('instance_attributes', s)),
      ...n.utilization.map((s) => attributeSet('utilization', s)),
    ]))),
    element('resources', {}, [...c.templates.map((t) => primitive(t, 'template')), ...c.resources.map(resource)]),
    element('constraints', {}, c.constraints.map(constraint)),
  ]);
  if (c.rscDefaults.length) configuration.children.push(element('rsc_defaults', {}, c.rscDefaults.map((s) => attributeSet('meta_attributes', s))));
  if (c.opDefaults.length) configuration.children.push(element('op_defaults', {}, c.opDefaults.map((s) => attributeSet('meta_attributes', s))));
  if (c.tags) configuration.children.push(element('tags', {}, Object.entries(c.tags).map(([id, refs]) => element('tag', { id }, refs.map((ref) => element('obj_ref', { id: ref }))))));
  const tickets = cib.tickets ? [element('tickets', {}, Object.entries(cib.tickets).map(([id, t]) => element('ticket_state', { id, granted: String(t.granted), ...(t.standby ? { standby: 'true' } : {}) })))] : [];
  return element('cib', cib.attrs, [configuration, element('status', {}, [...cib.status.map(nodeState), ...tickets])]);
}

function attributeSet(name: string, s: AttributeSet): XmlElement {
  const children = s.pairs.map((p) => element('nvpair', { id: p.id, name: p.name, value: p.value }));
  if (s.rule) children.unshift(rule(s.rule));
  return element(name, { id: s.id, score: s.score !== 0 ? formatScore(s.score) : undefined }, children);
}

function rule(r: Rule): XmlElement {
  return element('rule', {
    id: r.id, score: r.score !== undefined ? formatScore(r.score) : undefined, 'score-attribute': r.scoreAttribute,
    'boolean-op': r.booleanOp, role: r.role,
  }, r.conditions.map(condition));
}

function condition(c: Condition): XmlElement {
  switch (c.kind) {
    case 'rule':
      return rule(c);
    case 'expression':
      return element('expression', {
        id: c.id, attribute: c.attribute, operation: c.operation, value: c.value, type: c.typeGiven ? c.type : undefined,
        'value-source': c.valueSource !== 'literal' ? c.valueSource : undefined,
      });
    case 'date': {
      const children: XmlElement[] = [];
      if (c.spec) children.push(element('date_spec', { id: `${c.id}-spec`, ...c.spec }));
      if (c.duration) children.push(element('duration', { id: `${c.id}-duration`, ...Object.fromEntries(Object.entries(c.duration).map(([k, v]) => [k, String(v)])) }));
      return element('date_expression', { id: c.id, operation: c.operation, start: c.start, end: c.end }, children);
    }
    case 'op':
      return element('op_expression', { id: c.id, name: c.name, interval: c.intervalMs !== undefined ? `${c.intervalMs}ms` : undefined });
    case 'rsc':
      return element('rsc_expression', { id: c.id, class: c.class, provider: c.provider, type: c.type });
  }
}

function op(o: OpDefinition): XmlElement {
  return element('op', {
    id: o.id, name: o.name, interval: `${o.intervalMs}ms`, timeout: o.timeoutMs !== undefined ? `${o.timeoutMs}ms` : undefined, role: o.role,
    'on-fail': o.onFail, enabled: o.enabled ? undefined : 'false', 'record-pending': o.recordPending === undefined ? undefined : String(o.recordPending),
    ...o.meta,
  }, o.instanceAttributes.map((s) => attributeSet('instance_attributes', s)));
}

function primitive(p: Primitive, name = 'primitive'): XmlElement {
  const children = [
    ...p.meta.map((s) => attributeSet('meta_attributes', s)),
    ...p.instanceAttributes.map((s) => attributeSet('instance_attributes', s)),
    ...p.utilization.map((s) => attributeSet('utilization', s)),
  ];
  if (p.ops.length) children.push(element('operations', {}, p.ops.map(op)));
  return element(name, { id: p.id, class: p.class, provider: p.provider, type: p.type }, children);
}

function resource(r: Resource): XmlElement {
  const meta = r.meta.map((s) => attributeSet('meta_attributes', s));
  switch (r.kind) {
    case 'primitive':
      return primitive(r);
    case 'group':
      return element('group', { id: r.id }, [...meta, ...r.children.map((c) => primitive(c))]);
    case 'clone':
      return element('clone', { id: r.id }, [...meta, resource(r.child)]);
    case 'bundle':
      return r.source;
  }
}

function sets(list: ResourceSetRef[]): XmlElement[] {
  return list.map((s) => element('resource_set', {
    id: s.id, sequential: s.sequential ? undefined : 'false', 'require-all': s.requireAll ? undefined : 'false', role: s.role, action: s.action,
    score: s.score !== undefined ? formatScore(s.score) : undefined, kind: s.kind,
  }, s.resources.map((id) => element('resource_ref', { id }))));
}

function constraint(c: Constraint): XmlElement {
  switch (c.kind) {
    case 'location':
      return element('rsc_location', {
        id: c.id, rsc: c.rsc, 'rsc-pattern': c.rscPattern, role: c.role, node: c.node, score: c.score !== undefined ? formatScore(c.score) : undefined,
        'resource-discovery': c.resourceDiscovery !== 'always' ? c.resourceDiscovery : undefined,
      }, [...sets(c.sets), ...c.rules.map(rule)]);
    case 'colocation':
      return element('rsc_colocation', {
        id: c.id, rsc: c.rsc, 'with-rsc': c.withRsc, 'rsc-role': c.rscRole, 'with-rsc-role': c.withRscRole, score: formatScore(c.score),
        'node-attribute': c.nodeAttribute !== '#uname' ? c.nodeAttribute : undefined, influence: c.influence === undefined ? undefined : String(c.influence),
      }, sets(c.sets));
    case 'order':
      return element('rsc_order', {
        id: c.id, first: c.first, then: c.then, 'first-action': c.firstAction, 'then-action': c.thenAction, kind: c.orderKind,
        symmetrical: String(c.symmetrical),
      }, sets(c.sets));
    case 'ticket':
      return c.source;
  }
}

function lrmOp(o: LrmOp): XmlElement {
  return element('lrm_rsc_op', {
    id: o.id, operation_key: o.operationKey, operation: o.operation, 'transition-key': o.transitionKey, 'transition-magic': o.transitionMagic,
    'exit-reason': o.exitReason, on_node: o.onNode, 'call-id': String(o.callId), 'rc-code': String(o.rcCode), 'op-status': String(o.opStatus),
    interval: String(o.intervalMs), 'last-rc-change': o.lastRcChange?.toString(), 'last-run': o.lastRun?.toString(),
    'exec-time': o.execTime?.toString(), 'queue-time': o.queueTime?.toString(), 'op-digest': o.opDigest, 'op-secure-params': o.secureParams, 'op-secure-digest': o.secureDigest, 'op-restart-digest': o.restartDigest,
    migrate_source: o.migrateSource, migrate_target: o.migrateTarget, crm_feature_set: o.featureSet,
  });
}

function nodeState(n: NodeState): XmlElement {
  const children: XmlElement[] = [];
  const transient = Object.entries(n.transient);
  if (transient.length) {
    children.push(element('transient_attributes', { id: n.id }, [element('instance_attributes', { id: `status-${n.id}` },
      transient.map(([name, value]) => element('nvpair', { id: `status-${n.id}-${name}`, name, value })))]));
  }
  children.push(element('lrm', { id: n.id }, [element('lrm_resources', {}, n.resources.map((r) =>
    element('lrm_resource', { id: r.id, class: r.class, provider: r.provider, type: r.type, container: r.container }, r.ops.map(lrmOp))))]));
  return element('node_state', { id: n.id, uname: n.uname, in_ccm: n.inCcm, crmd: n.crmd, join: n.join, expected: n.expected }, children);
}
