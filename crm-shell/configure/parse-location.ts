import { element } from '../../daemon/cib/xml.js';
import type { IdAllocator } from './id-allocator.js';
import type { ParsedObject, Reference } from './parsed-object.js';
import { parseRule, parseScoreToken } from './parse-rule.js';
import type { TokenStream } from './token-stream.js';
import { checkRole, expectId, isId, parseAttrList, splitNameValue } from './values.js';

const DISCOVERY = ['always', 'never', 'exclusive'];

/** `location <id> <rsc|/regex/> [role=<role>] {<score>: <node> | rule …} [resource-discovery=…]` */
export function parseLocation(ts: TokenStream, ids: IdAllocator): ParsedObject {
  const keyword = ts.next('location');
  const id = expectId(ts, 'constraint id');
  ids.claim(id);
  const rscToken = ts.next('a resource id or /pattern/');
  const references: Reference[] = [];
  const attrs: Record<string, string | undefined> = { id };
  if (rscToken.text.length > 2 && rscToken.text.startsWith('/') && rscToken.text.endsWith('/')) {
    attrs['rsc-pattern'] = rscToken.text.slice(1, -1);
  } else {
    if (!isId(rscToken.text)) throw ts.unexpected(rscToken, 'a resource id or /pattern/');
    attrs.rsc = rscToken.text;
    references.push({ id: rscToken.text, location: ts.location(rscToken) });
  }
  const option = (name: string, value: string, token = ts.peek(-1)!) => {
    if (name === 'role') attrs.role = checkRole(ts, token, value);
    else if (name === 'resource-discovery') {
      if (!DISCOVERY.includes(value)) throw ts.error(token, `invalid resource-discovery '${value}': expected ${DISCOVERY.join(', ')}`);
      attrs[name] = value;
    } else throw ts.error(token, `unknown location option '${name}': expected role= or resource-discovery=`);
  };
  for (const nv of parseAttrList(ts)) option(nv.name, nv.value, nv.token);
  const el = element('rsc_location', attrs);
  if (ts.peekIs('rule')) {
    while (ts.accept('rule')) el.children.push(parseRule(ts, id, ids));
  } else {
    const scoreToken = ts.next("a score and node (e.g. 100: node1) or 'rule'");
    const { score, scoreAttribute } = parseScoreToken(ts, scoreToken);
    if (score === undefined) throw ts.error(scoreToken, `invalid score '${scoreAttribute}': expected an integer or inf`);
    const node = ts.next('a node name after the score');
    if (splitNameValue(node)) throw ts.unexpected(node, 'a node name after the score');
    el.attrs.score = score;
    el.attrs.node = node.text;
  }
  for (const nv of parseAttrList(ts)) option(nv.name, nv.value, nv.token);
  if (!ts.atEnd()) throw ts.unexpected(ts.peek()!, 'end of the location constraint');
  return { section: 'constraints', element: el, location: ts.location(keyword), references, members: [] };
}
