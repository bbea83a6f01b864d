import { element, type XmlElement } from '../../daemon/cib/xml.js';
import type { Token } from './lexer.js';
import type { IdAllocator } from './id-allocator.js';
import type { Reference } from './parsed-object.js';
import type { TokenStream } from './token-stream.js';
import { checkBoolean, isId, splitNameValue, type NameValue } from './values.js';

/** One `rsc[:suffix]` of a colocation/order; suffix is a role (colocation) or an action (order). */
export interface SetMember {
  id: string;
  suffix?: string;
  token: Token;
}

/** A run of members: bare (sequential), `( … )` (sequential=false) or `[ … ]` (require-all=false). */
interface SetGroup {
  bracket?: '(' | '[';
  members: SetMember[];
  attrs: NameValue[];
}

const SET_OPTIONS = ['sequential', 'require-all', 'action', 'role', 'score', 'kind', 'ordering'];

function parseMember(ts: TokenStream, token: Token, checkSuffix: (token: Token, suffix: string) => string): SetMember {
  const [id, suffix, ...rest] = token.text.split(':');
  if (!isId(id) || rest.length > 0) throw ts.unexpected(token, 'a resource id, optionally with :role or :action');
  return { id, suffix: suffix === undefined ? undefined : checkSuffix(token, suffix), token };
}

/**
 * The resources of a colocation or order, up to the constraint's own
 * `name=value` options. Returns either the two-resource form or the sets.
 */
export function parseMembers(
  ts: TokenStream,
  checkSuffix: (token: Token, suffix: string) => string,
  minimum = 2,
): { pair?: [SetMember, SetMember]; groups: SetGroup[] } {
  const groups: SetGroup[] = [];
  let bare: SetGroup | undefined;
  for (let token = ts.peek(); token && !(splitNameValue(token) && !token.quoted); token = ts.peek()) {
    ts.next('a resource');
    if (!token.quoted && (token.text === '(' || token.text === '[')) {
      const close = token.text === '(' ? ')' : ']';
      const group: SetGroup = { bracket: token.text, members: [], attrs: [] };
      for (;;) {
        const inner = ts.next(`'${close}'`);
        if (!inner.quoted && inner.text === close) break;
        const nv = splitNameValue(inner);
        if (nv) {
          if (!SET_OPTIONS.includes(nv.name)) throw ts.error(inner, `unknown resource set option '${nv.name}': expected ${SET_OPTIONS.join(', ')}`);
          if (nv.name === 'sequential' || nv.name === 'require-all') checkBoolean(ts, inner, nv.name, nv.value);
          group.attrs.push(nv);
        } else group.members.push(parseMember(ts, inner, checkSuffix));
      }
      if (group.members.length === 0) throw ts.error(token, 'empty resource set');
      groups.push(group);
      bare = undefined;
      continue;
    }
    if (!token.quoted && /^[)\]{}]$/.test(token.text)) throw ts.unexpected(token, 'a resource id');
    const member = parseMember(ts, token, checkSuffix);
    // A change of role/action starts a new set: a Pacemaker set has one role/action.
    if (!bare || bare.members[0].suffix !== member.suffix) {
      bare = { members: [], attrs: [] };
      groups.push(bare);
    }
    bare.members.push(member);
  }
  const total = groups.reduce((n, g) => n + g.members.length, 0);
  if (total < minimum) throw ts.error(ts.peek(), `expected at least ${minimum === 1 ? 'one resource' : `${minimum} resources`}, found ${total}`);
  const plain = groups.flatMap((g) => (g.bracket ? [] : g.members));
  if (groups.every((g) => !g.bracket) && plain.length === 2) return { pair: [plain[0], plain[1]], groups };
  return { groups };
}

/** Builds <resource_set> elements (ids `<constraint>-<n>`); `suffixAttr` is role or action. */
export function buildSets(owner: string, groups: SetGroup[], suffixAttr: 'role' | 'action', ids: IdAllocator, ts: TokenStream): XmlElement[] {
  return groups.map((g, n) => {
    const suffixes = new Set(g.members.map((m) => m.suffix));
    if (suffixes.size > 1) throw ts.error(g.members[0].token, `all resources of a set must have the same ${suffixAttr}`);
    const attrs: Record<string, string | undefined> = { id: ids.allocate(`${owner}-${n}`) };
    if (g.bracket) attrs.sequential = 'false';
    if (g.bracket === '[') attrs['require-all'] = 'false';
    attrs[suffixAttr] = g.members[0].suffix;
    for (const nv of g.attrs) attrs[nv.name] = nv.value;
    // sequential=true is the default: leaving it out keeps crm -> XML -> crm stable.
    if (attrs.sequential !== undefined && /^(true|yes|on|1)$/i.test(attrs.sequential)) delete attrs.sequential;
    return element('resource_set', attrs, g.members.map((m) => element('resource_ref', { id: m.id })));
  });
}

export function memberReferences(ts: TokenStream, groups: SetGroup[]): Reference[] {
  return groups.flatMap((g) => g.members.map((m) => ({ id: m.id, location: ts.location(m.token) })));
}
