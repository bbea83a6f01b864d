import { element, type XmlElement } from '../../daemon/cib/xml.js';
import type { IdAllocator } from './id-allocator.js';
import type { ParsedObject } from './parsed-object.js';
import type { TokenStream } from './token-stream.js';
import { checkValue, checkValues } from './attribute-values.js';
import { checkRole, expectId, nvSet, parseAttrList, splitNameValue, type NameValue } from './values.js';

const CLASSES_WITH_PROVIDER = new Set(['ocf']);
const CLASSES = new Set(['ocf', 'lsb', 'systemd', 'service', 'stonith', 'upstart', 'nagios']);
/** Attributes that belong on <op> itself; anything else (OCF_CHECK_LEVEL, …) becomes an op parameter, as in crmsh. */
const OP_ATTRIBUTES = new Set([
  'id', 'interval', 'timeout', 'description', 'start-delay', 'interval-origin', 'record-pending', 'enabled', 'role', 'on-fail', 'requires',
]);

function parseAgent(ts: TokenStream, allowTemplate: boolean): Record<string, string> {
  const token = ts.next('a resource agent (class:provider:type)');
  if (allowTemplate && token.text.startsWith('@') && token.text.length > 1) return { template: token.text.slice(1) };
  const parts = token.text.split(':');
  const cls = parts[0].toLowerCase();
  if (parts.length === 1) return { class: 'ocf', provider: 'heartbeat', type: parts[0] };
  if (!CLASSES.has(cls)) throw ts.error(token, `unknown resource class '${parts[0]}': expected one of ${[...CLASSES].join(', ')}`);
  if (CLASSES_WITH_PROVIDER.has(cls)) {
    if (parts.length !== 3 || !parts[1] || !parts[2]) throw ts.error(token, `expected ocf:<provider>:<type>, found '${token.text}'`);
    return { class: cls, provider: parts[1], type: parts[2] };
  }
  if (parts.length !== 2 || !parts[1]) throw ts.error(token, `expected ${cls}:<type>, found '${token.text}'`);
  return { class: cls, type: parts[1] };
}

function parseOp(ts: TokenStream, rsc: string, ids: IdAllocator): XmlElement {
  const name = ts.next('an operation name (monitor, start, …)');
  if (splitNameValue(name)) throw ts.unexpected(name, 'an operation name after op');
  const attrs: Record<string, string> = { name: name.text };
  const extra: NameValue[] = [];
  for (const nv of parseAttrList(ts)) {
    if (!OP_ATTRIBUTES.has(nv.name)) {
      extra.push(nv);
      continue;
    }
    checkValue(ts, 'operation', nv.name, nv.value, nv.token);
    if (nv.name === 'role') nv.value = checkRole(ts, nv.token, nv.value);
    attrs[nv.name] = nv.value;
  }
  attrs.interval ??= '0s';
  const id = attrs.id ?? ids.allocate(`${rsc}-${name.text}-${attrs.interval}`);
  ids.claim(id);
  const op = element('op', { id, ...attrs });
  const params = [...extra];
  const meta: NameValue[] = [];
  for (;;) {
    if (ts.accept('op_params')) params.push(...parseAttrList(ts));
    else if (ts.accept('op_meta')) meta.push(...parseAttrList(ts));
    else break;
  }
  if (meta.length > 0) op.children.push(nvSet('meta_attributes', id, meta, ids));
  if (params.length > 0) op.children.push(nvSet('instance_attributes', id, params, ids));
  return op;
}

/**
 * `primitive <id> {class:provider:type | @template} [params …] [meta …] [utilization …] [op <name> …]…`,
 * and `rsc_template <id> class:provider:type …` (a <template> primitives can refer to).
 */
export function parsePrimitive(ts: TokenStream, ids: IdAllocator): ParsedObject {
  const keyword = ts.next('primitive');
  const isTemplate = keyword.text.toLowerCase() === 'rsc_template';
  const id = expectId(ts, isTemplate ? 'template id' : 'resource id');
  const agentToken = ts.peek();
  const prim = element(isTemplate ? 'template' : 'primitive', { id, ...parseAgent(ts, !isTemplate) });
  const sets: Record<string, NameValue[]> = { instance_attributes: [], meta_attributes: [], utilization: [] };
  const ops: XmlElement[] = [];
  // crmsh accepts the first attribute list without the `params` keyword.
  for (const nv of parseAttrList(ts)) {
    if (nv.name === 'description') prim.attrs.description = nv.value;
    else sets.instance_attributes.push(nv);
  }
  while (!ts.atEnd()) {
    const token = ts.next('params, meta, utilization or op');
    const word = token.quoted ? '' : token.text.toLowerCase();
    if (word === 'params') sets.instance_attributes.push(...parseAttrList(ts));
    else if (word === 'meta') sets.meta_attributes.push(...parseAttrList(ts));
    else if (word === 'utilization') sets.utilization.push(...parseAttrList(ts));
    else if (word === 'op') ops.push(parseOp(ts, id, ids));
    else throw ts.unexpected(token, "'params', 'meta', 'utilization' or 'op'");
  }
  checkValues(ts, 'meta', sets.meta_attributes);
  for (const [kind, pairs] of Object.entries(sets)) if (pairs.length > 0) prim.children.push(nvSet(kind, id, pairs, ids));
  if (ops.length > 0) prim.children.push(element('operations', {}, ops));
  const references = prim.attrs.template !== undefined ? [{ id: prim.attrs.template, location: ts.location(agentToken) }] : [];
  return { section: 'resources', element: prim, location: ts.location(keyword), references, members: [] };
}
