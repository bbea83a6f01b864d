import { element } from '../../daemon/cib/xml.js';
import type { IdAllocator } from './id-allocator.js';
import type { ParsedObject } from './parsed-object.js';
import { buildSets, memberReferences, parseMembers } from './resource-sets.js';
import type { TokenStream } from './token-stream.js';
import { checkRole, expectId, parseAttrList } from './values.js';

const LOSS_POLICIES = ['stop', 'demote', 'fence', 'freeze'];

/** `rsc_ticket <id> <ticket>: <rsc>[:role] [<rsc>[:role]…] [loss-policy=…]` */
export function parseTicket(ts: TokenStream, ids: IdAllocator): ParsedObject {
  const keyword = ts.next('rsc_ticket');
  const id = expectId(ts, 'constraint id');
  ids.claim(id);
  const ticketToken = ts.next('a ticket name followed by a colon');
  if (!ticketToken.text.endsWith(':') || ticketToken.text.length < 2) throw ts.unexpected(ticketToken, 'a ticket name followed by a colon');
  const el = element('rsc_ticket', { id, ticket: ticketToken.text.slice(0, -1) });
  const { groups } = parseMembers(ts, (token, suffix) => checkRole(ts, token, suffix), 1);
  if (groups.length === 1 && groups[0].members.length === 1 && !groups[0].bracket) {
    const [member] = groups[0].members;
    el.attrs.rsc = member.id;
    if (member.suffix) el.attrs['rsc-role'] = member.suffix;
  } else el.children.push(...buildSets(id, groups, 'role', ids, ts));
  for (const nv of parseAttrList(ts)) {
    if (nv.name !== 'loss-policy') throw ts.error(nv.token, `unknown rsc_ticket option '${nv.name}': expected loss-policy=`);
    if (!LOSS_POLICIES.includes(nv.value)) throw ts.error(nv.token, `invalid loss-policy '${nv.value}': expected ${LOSS_POLICIES.join(', ')}`);
    el.attrs['loss-policy'] = nv.value;
  }
  if (!ts.atEnd()) throw ts.unexpected(ts.peek()!, 'end of the rsc_ticket constraint');
  return { section: 'constraints', element: el, location: ts.location(keyword), references: memberReferences(ts, groups), members: [] };
}
