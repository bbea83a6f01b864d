import { element } from '../../daemon/cib/xml.js';
import { checkValues } from './attribute-values.js';
import { CrmSyntaxError } from './crm-syntax-error.js';
import type { IdAllocator } from './id-allocator.js';
import type { ParsedObject, Reference } from './parsed-object.js';
import type { TokenStream } from './token-stream.js';
import { expectId, isId, nvSet, parseAttrList, parseKeywordLists, splitNameValue, type NameValue } from './values.js';

/**
 * `group <id> <rsc>… [meta …] [params …]`, `clone <id> <rsc> [meta …]` and the
 * legacy `ms <id> <rsc> [meta …]`, which becomes a clone with promotable=true
 * (Pacemaker 2's spelling of a master/slave resource).
 */
export function parseContainer(ts: TokenStream, ids: IdAllocator): ParsedObject {
  const keyword = ts.next('group, clone or ms');
  const kind = keyword.text.toLowerCase();
  const id = expectId(ts, `${kind} id`);
  const members: Reference[] = [];
  for (let token = ts.peek(); token && !splitNameValue(token) && !ts.peekIs('meta') && !ts.peekIs('params'); token = ts.peek()) {
    ts.next('resource id');
    if (!isId(token.text)) throw ts.unexpected(token, 'a resource id');
    members.push({ id: token.text, location: ts.location(token) });
  }
  if (members.length === 0) throw ts.error(ts.peek(), `expected the resource${kind === 'group' ? 's' : ''} the ${kind} contains`);
  if (kind !== 'group' && members.length > 1) {
    throw new CrmSyntaxError(`a ${kind} contains exactly one resource, found ${members.length}`, members[1].location);
  }
  const attrs: Record<string, string> = {};
  const meta: NameValue[] = [];
  const params: NameValue[] = [];
  for (const nv of parseAttrList(ts)) {
    if (nv.name === 'description') attrs.description = nv.value;
    else meta.push(nv);
  }
  parseKeywordLists(ts, { meta, params });
  checkValues(ts, 'meta', meta);
  if (kind === 'ms' && !meta.some((nv) => nv.name === 'promotable')) meta.unshift({ name: 'promotable', value: 'true', token: keyword });
  const el = element(kind === 'group' ? 'group' : 'clone', { id, ...attrs });
  if (meta.length > 0) el.children.push(nvSet('meta_attributes', id, meta, ids));
  if (params.length > 0) el.children.push(nvSet('instance_attributes', id, params, ids));
  return { section: 'resources', element: el, location: ts.location(keyword), references: [], members };
}
