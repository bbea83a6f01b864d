import { element } from '../../daemon/cib/xml.js';
import type { IdAllocator } from './id-allocator.js';
import type { ParsedObject } from './parsed-object.js';
import { parseScoreToken } from './parse-rule.js';
import { buildSets, memberReferences, parseMembers } from './resource-sets.js';
import type { TokenStream } from './token-stream.js';
import { checkRole, expectId, parseAttrList } from './values.js';

/** `colocation <id> <score>: <rsc>[:role] <with-rsc>[:role] [node-attribute=…]`, or resource sets. */
export function parseColocation(ts: TokenStream, ids: IdAllocator): ParsedObject {
  const keyword = ts.next('colocation');
  const id = expectId(ts, 'constraint id');
  ids.claim(id);
  const scoreToken = ts.next('a score (e.g. inf:)');
  const { score, scoreAttribute } = parseScoreToken(ts, scoreToken);
  if (score === undefined) throw ts.error(scoreToken, `invalid score '${scoreAttribute}': expected an integer or inf`);
  const { pair, groups } = parseMembers(ts, (token, suffix) => checkRole(ts, token, suffix));
  const el = element('rsc_colocation', { id, score });
  if (pair) {
    const [rsc, withRsc] = pair;
    Object.assign(el.attrs, { rsc: rsc.id, 'with-rsc': withRsc.id });
    if (rsc.suffix) el.attrs['rsc-role'] = rsc.suffix;
    if (withRsc.suffix) el.attrs['with-rsc-role'] = withRsc.suffix;
  } else el.children.push(...buildSets(id, groups, 'role', ids, ts));
  for (const nv of parseAttrList(ts)) {
    if (nv.name !== 'node-attribute') throw ts.error(nv.token, `unknown colocation option '${nv.name}': expected node-attribute=`);
    el.attrs['node-attribute'] = nv.value;
  }
  if (!ts.atEnd()) throw ts.unexpected(ts.peek()!, 'end of the colocation constraint');
  return { section: 'constraints', element: el, location: ts.location(keyword), references: memberReferences(ts, groups), members: [] };
}
