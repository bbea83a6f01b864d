import { element } from '../../daemon/cib/xml.js';
import type { IdAllocator } from './id-allocator.js';
import type { ParsedObject } from './parsed-object.js';
import type { TokenStream } from './token-stream.js';
import { isId, nvSet, parseAttrList, parseKeywordLists, splitNameValue, type NameValue } from './values.js';

const NODE_TYPES = ['member', 'normal', 'ping', 'remote'];

/** `node [$id=<id> | <id>:] <uname>[:<type>] [description=…] [attributes …] [utilization …]` */
export function parseNode(ts: TokenStream, ids: IdAllocator): ParsedObject {
  const keyword = ts.next('node');
  let id: string | undefined;
  const first = ts.peek();
  const explicit = first ? splitNameValue(first) : undefined;
  if (explicit?.name === '$id') {
    ts.next('$id=');
    id = explicit.value;
  } else if (first && first.text.endsWith(':') && first.text.length > 1) {
    ts.next('node id');
    id = first.text.slice(0, -1);
  }
  const unameToken = ts.next('a node name');
  const [uname, type, ...rest] = unameToken.text.split(':');
  if (!isId(uname) || rest.length > 0) throw ts.unexpected(unameToken, 'a node name, optionally with :type');
  if (type !== undefined && !NODE_TYPES.includes(type)) throw ts.error(unameToken, `invalid node type '${type}': expected ${NODE_TYPES.join(', ')}`);
  id ??= uname;
  ids.claim(id);
  const node = element('node', { id, uname, type: type === 'normal' || type === 'member' ? undefined : type });
  const attributes: NameValue[] = [];
  const utilization: NameValue[] = [];
  for (const nv of parseAttrList(ts)) {
    if (nv.name === 'description') node.attrs.description = nv.value;
    else attributes.push(nv);
  }
  parseKeywordLists(ts, { attributes, utilization });
  // Pacemaker's own tools (crm_attribute, crm_standby) name a node's attribute set nodes-<id>.
  if (attributes.length > 0) node.children.push(nvSet('instance_attributes', id, attributes, ids, `nodes-${id}`));
  if (utilization.length > 0) node.children.push(nvSet('utilization', id, utilization, ids));
  return { section: 'nodes', element: node, location: ts.location(keyword), references: [], members: [] };
}
