import { element, type XmlElement } from '../../daemon/cib/xml.js';
import type { Token } from './lexer.js';
import type { IdAllocator } from './id-allocator.js';
import type { TokenStream } from './token-stream.js';

/** Value checks shared by the statement parsers; each raises a located syntax error. */

const ID_RE = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const TIME_RE = /^(\d+(ms|msec|us|usec|s|sec|m|min|h|hr)?|P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?)$/i;
export const ROLES = ['Started', 'Stopped', 'Promoted', 'Unpromoted', 'Master', 'Slave'];
export const ACTIONS = ['start', 'stop', 'promote', 'demote'];

export function expectId(ts: TokenStream, what: string): string {
  const token = ts.next(what);
  if (!ID_RE.test(token.text)) throw ts.error(token, `invalid ${what} '${token.text}': ids start with a letter or '_' and contain letters, digits, '.', '_' or '-'`);
  return token.text;
}

export function isId(text: string): boolean {
  return ID_RE.test(text);
}

/** Pacemaker scores: integers or [+-]INFINITY (crmsh spells it inf). Returns the CIB spelling. */
export function normalizeScore(text: string): string | undefined {
  const t = text.toLowerCase();
  if (t === 'inf' || t === '+inf' || t === 'infinity' || t === '+infinity') return 'INFINITY';
  if (t === '-inf' || t === '-infinity') return '-INFINITY';
  if (/^[+-]?\d+$/.test(t)) return String(Number.parseInt(t, 10));
  return undefined;
}

export const isTime = (value: string) => TIME_RE.test(value);
export const isBoolean = (value: string) => /^(true|false|yes|no|on|off|y|n|1|0)$/i.test(value);

export function checkTime(ts: TokenStream, token: Token, value: string, what: string): void {
  if (!isTime(value)) throw ts.error(token, `invalid ${what} '${value}': expected a time such as 10s, 500ms, 2min or an ISO 8601 duration`);
}

export function checkRole(ts: TokenStream, token: Token, role: string): string {
  const match = ROLES.find((r) => r.toLowerCase() === role.toLowerCase());
  if (!match) throw ts.error(token, `invalid role '${role}': expected one of ${ROLES.join(', ')}`);
  return match;
}

export function checkBoolean(ts: TokenStream, token: Token, name: string, value: string): void {
  if (!isBoolean(value)) throw ts.error(token, `invalid ${name} '${value}': expected true or false`);
}

export interface NameValue {
  name: string;
  value: string;
  token: Token;
}

/** Splits `name=value` (value may be quoted or empty); undefined when the token is not of that form. */
export function splitNameValue(token: Token): NameValue | undefined {
  const eq = token.text.indexOf('=');
  if (eq <= 0) return undefined;
  return { name: token.text.slice(0, eq), value: token.text.slice(eq + 1), token };
}

/** Consumes consecutive `name=value` tokens. */
export function parseAttrList(ts: TokenStream): NameValue[] {
  const pairs: NameValue[] = [];
  for (let token = ts.peek(); token; token = ts.peek()) {
    const nv = splitNameValue(token);
    if (!nv) break;
    ts.next('name=value');
    pairs.push(nv);
  }
  return pairs;
}

/**
 * Consumes `keyword name=value…` runs in any order, e.g. `meta a=1 params b=2`,
 * appending each run to its keyword's list; stops at the end of the statement.
 */
export function parseKeywordLists(ts: TokenStream, lists: Record<string, NameValue[]>): void {
  while (!ts.atEnd()) {
    const token = ts.next(Object.keys(lists).join(' or '));
    const list = token.quoted ? undefined : lists[token.text.toLowerCase()];
    if (!list) throw ts.unexpected(token, Object.keys(lists).map((k) => `'${k}'`).join(' or '));
    list.push(...parseAttrList(ts));
  }
}

/**
 * An nvpair set (instance_attributes, meta_attributes, utilization, …) with
 * crmsh's ids: the set is `<owner>-<kind>`, each pair `<set>-<name>`. A leading
 * `$id=` pair names the set explicitly.
 */
export function nvSet(kind: string, owner: string, pairs: NameValue[], ids: IdAllocator, baseId = `${owner}-${kind}`): XmlElement {
  const explicit = pairs.find((p) => p.name === '$id');
  const setId = explicit ? explicit.value : ids.allocate(baseId);
  if (explicit) ids.claim(setId);
  return element(kind, { id: setId }, nvPairs(setId, pairs, ids));
}

/** The <nvpair>s of a set, ids `<set>-<name>`; `$id=` pairs are skipped (they name the set). */
export function nvPairs(setId: string, pairs: NameValue[], ids: IdAllocator): XmlElement[] {
  return pairs
    .filter((p) => p.name !== '$id')
    .map((p) => element('nvpair', { id: ids.allocate(`${setId}-${p.name}`), name: p.name, value: p.value }));
}
