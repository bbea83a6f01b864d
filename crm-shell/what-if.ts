import { childrenNamed, element, firstChild, type XmlElement } from '../daemon/cib/xml.js';
import { parseInterval } from '../daemon/cib/duration.js';
import { VigilError } from '../daemon/util/errors.js';
import { allResources } from './configure/configuration.js';

export class WhatIfError extends VigilError {
  override readonly code = 'WHAT_IF';
}

function statusSection(cib: XmlElement): XmlElement {
  let status = firstChild(cib, 'status');
  if (!status) {
    status = element('status');
    cib.children.push(status);
  }
  return status;
}

function nodeState(cib: XmlElement, node: string): XmlElement {
  const status = statusSection(cib);
  let state = childrenNamed(status, 'node_state').find((s) => (s.attrs.uname ?? s.attrs.id) === node);
  if (!state) {
    state = element('node_state', { id: node, uname: node });
    status.children.push(state);
  }
  return state;
}

/** The node as crm_simulate's --node-down leaves it: out of membership, cleanly down. */
export function nodeDown(cib: XmlElement, node: string): void {
  Object.assign(nodeState(cib, node).attrs, { in_ccm: 'false', crmd: 'offline', join: 'down', expected: 'down' });
}

export function nodeUp(cib: XmlElement, node: string): void {
  Object.assign(nodeState(cib, node).attrs, { in_ccm: 'true', crmd: 'online', join: 'member', expected: 'member' });
}

function child(parent: XmlElement, name: string, attrs: Record<string, string>): XmlElement {
  let el = firstChild(parent, name);
  if (!el) {
    el = element(name, attrs);
    parent.children.push(el);
  }
  return el;
}

/**
 * A failed operation of RSC on NODE, as crm_simulate --op-fail injects it: the
 * operation's history entry with rc 1 plus the fail count the attribute manager
 * would have raised. OP defaults to the resource's first recurring monitor.
 */
export function failResource(cib: XmlElement, rsc: string, node: string, op?: string): void {
  const configuration = firstChild(cib, 'configuration');
  const prim = configuration ? allResources(configuration).find((r) => r.attrs.id === rsc && r.name === 'primitive') : undefined;
  if (!prim) throw new WhatIfError(`--fail: no primitive '${rsc}' in the CIB`);
  const ops = childrenNamed(firstChild(prim, 'operations') ?? element('operations'), 'op');
  const monitor = ops.find((o) => o.attrs.name === (op ?? 'monitor') && o.attrs.interval !== undefined && parseInterval(o.attrs.interval) !== 0);
  const operation = op ?? 'monitor';
  const intervalMs = monitor ? String(parseInterval(monitor.attrs.interval) ?? 0) : '0';
  const state = nodeState(cib, node);
  const lrm = child(child(state, 'lrm', { id: state.attrs.id }), 'lrm_resources', {});
  let history = childrenNamed(lrm, 'lrm_resource').find((r) => r.attrs.id === rsc);
  if (!history) {
    history = element('lrm_resource', { id: rsc, class: prim.attrs.class, provider: prim.attrs.provider, type: prim.attrs.type });
    lrm.children.push(history);
  }
  const callIds = [...cib.children].flatMap(function walk(e: XmlElement): number[] {
    return [...(e.name === 'lrm_rsc_op' ? [Number(e.attrs['call-id'] ?? 0)] : []), ...e.children.flatMap(walk)];
  });
  const now = String(Math.floor(Date.now() / 1000));
  const key = `${rsc}_${operation}_${intervalMs}`;
  history.children = history.children.filter((o) => o.attrs.operation_key !== key);
  history.children.push(
    element('lrm_rsc_op', {
      id: `${rsc}_last_failure_0`, operation_key: key, operation, 'call-id': String(Math.max(0, ...callIds) + 1),
      'rc-code': '1', 'op-status': '0', interval: intervalMs, on_node: node, 'last-rc-change': now, 'last-run': now, 'exec-time': '0', 'queue-time': '0',
    }),
  );
  const attrs = child(child(state, 'transient_attributes', { id: state.attrs.id }), 'instance_attributes', { id: `status-${state.attrs.id}` });
  const name = `fail-count-${rsc}#${operation}_${intervalMs}`;
  const existing = attrs.children.find((p) => p.attrs.name === name);
  if (existing) existing.attrs.value = String(Number(existing.attrs.value ?? 0) + 1);
  else attrs.children.push(element('nvpair', { id: `status-${state.attrs.id}-${name}`, name, value: '1' }));
  attrs.children.push(element('nvpair', { id: `status-${state.attrs.id}-last-failure-${rsc}#${operation}_${intervalMs}`, name: `last-failure-${rsc}#${operation}_${intervalMs}`, value: now }));
}

