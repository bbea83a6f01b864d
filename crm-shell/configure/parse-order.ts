import { element } from '../../daemon/cib/xml.js';
import type { IdAllocator } from './id-allocator.js';
import type { ParsedObject } from './parsed-object.js';
import { parseScoreToken } from './parse-rule.js';
import { buildSets, memberReferences, parseMembers } from './resource-sets.js';
import type { TokenStream } from './token-stream.js';
import { ACTIONS, checkBoolean, expectId, parseAttrList } from './values.js';

export const ORDER_KINDS = ['Mandatory', 'Optional', 'Serialize'];

/** `order <id> [Mandatory|Optional|Serialize|<score>:] <first>[:action] <then>[:action] [symmetrical=…]`, or resource sets. */
export function parseOrder(ts: TokenStream, ids: IdAllocator): ParsedObject {
  const keyword = ts.next('order');
  const id = expectId(ts, 'constraint id');
  ids.claim(id);
  const el = element('rsc_order', { id });
  const head = ts.peek();
  if (head && !head.quoted && head.text.endsWith(':') && !head.text.slice(0, -1).includes(':')) {
    ts.next('kind or score');
    const kind = ORDER_KINDS.find((k) => k.toLowerCase() === head.text.slice(0, -1).toLowerCase());
    if (kind) el.attrs.kind = kind;
    else {
      const { score } = parseScoreToken(ts, head);
      if (score === undefined) throw ts.error(head, `invalid order kind '${head.text.slice(0, -1)}': expected ${ORDER_KINDS.join(', ')} or a score`);
      // Pacemaker deprecates score on orders: a positive score means Mandatory, otherwise Optional.
      el.attrs.kind = score === 'INFINITY' || Number(score) > 0 ? 'Mandatory' : 'Optional';
    }
  }
  const { pair, groups } = parseMembers(ts, (token, suffix) => {
    if (!ACTIONS.includes(suffix.toLowerCase())) throw ts.error(token, `invalid action '${suffix}': expected ${ACTIONS.join(', ')}`);
    return suffix.toLowerCase();
  });
  if (pair) {
    const [first, then] = pair;
    Object.assign(el.attrs, { first: first.id, then: then.id });
    if (first.suffix) el.attrs['first-action'] = first.suffix;
    if (then.suffix) el.attrs['then-action'] = then.suffix;
  } else el.children.push(...buildSets(id, groups, 'action', ids, ts));
  for (const nv of parseAttrList(ts)) {
    if (nv.name !== 'symmetrical') throw ts.error(nv.token, `unknown order option '${nv.name}': expected symmetrical=`);
    checkBoolean(ts, nv.token, nv.name, nv.value);
    el.attrs.symmetrical = nv.value;
  }
  if (!ts.atEnd()) throw ts.unexpected(ts.peek()!, 'end of the order constraint');
  return { section: 'constraints', element: el, location: ts.location(keyword), references: memberReferences(ts, groups), members: [] };
}
