import { element, type XmlElement } from '../../daemon/cib/xml.js';
import { checkDate } from './attribute-values.js';
import type { Token } from './lexer.js';
import type { IdAllocator } from './id-allocator.js';
import type { TokenStream } from './token-stream.js';
import { checkRole, normalizeScore, parseAttrList, splitNameValue } from './values.js';

export const BINARY_OPS = ['lt', 'gt', 'lte', 'gte', 'eq', 'ne'];
export const UNARY_OPS = ['defined', 'not_defined'];
export const VALUE_TYPES = ['string', 'number', 'integer', 'version'];
const DATE_SPEC_FIELDS = ['hours', 'monthdays', 'weekdays', 'yeardays', 'months', 'weeks', 'years', 'weekyears', 'moon'];
const DURATION_FIELDS = ['hours', 'monthdays', 'weekdays', 'yeardays', 'months', 'weeks', 'years', 'weekyears', 'moon', 'days', 'minutes', 'seconds'];

/** A score followed by a colon (`100:`, `-inf:`); a non-numeric word names a score-attribute (`pingd:`). */
export function parseScoreToken(ts: TokenStream, token: Token): { score?: string; scoreAttribute?: string } {
  if (!token.text.endsWith(':') || token.text.length < 2) throw ts.unexpected(token, 'a score followed by a colon (e.g. inf: or 100:)');
  const raw = token.text.slice(0, -1);
  const score = normalizeScore(raw);
  if (score !== undefined) return { score };
  if (/^[+-]?\d/.test(raw)) throw ts.error(token, `invalid score '${raw}': expected an integer or inf`);
  return { scoreAttribute: raw };
}

function parseDateExpression(ts: TokenStream, id: string, ids: IdAllocator): XmlElement {
  const opToken = ts.next("a date operation (gt, lt, in_range or date_spec)");
  const op = opToken.text.toLowerCase();
  if (op === 'gt' || op === 'lt') {
    const when = ts.next('a date');
    checkDate(ts, when, when.text);
    return element('date_expression', { id, operation: op, [op === 'gt' ? 'start' : 'end']: when.text });
  }
  if (op === 'spec' || op === 'date_spec' || op === 'date-spec') {
    const fields = parseAttrList(ts);
    if (fields.length === 0) throw ts.error(ts.peek(), `expected date_spec fields (${DATE_SPEC_FIELDS.join(', ')})`);
    const spec: Record<string, string> = { id: ids.allocate(`${id}-date_spec`) };
    for (const f of fields) {
      if (!DATE_SPEC_FIELDS.includes(f.name)) throw ts.error(f.token, `unknown date_spec field '${f.name}': expected one of ${DATE_SPEC_FIELDS.join(', ')}`);
      spec[f.name] = f.value;
    }
    return element('date_expression', { id, operation: 'date_spec' }, [element('date_spec', spec)]);
  }
  if (op === 'in' || op === 'in_range') {
    const attrs: Record<string, string> = { id, operation: 'in_range' };
    const duration: Record<string, string> = {};
    for (const f of parseAttrList(ts)) {
      if (f.name === 'start' || f.name === 'end') {
        checkDate(ts, f.token, f.value);
        attrs[f.name] = f.value;
      }
      else if (DURATION_FIELDS.includes(f.name)) duration[f.name] = f.value;
      else throw ts.error(f.token, `unknown in_range field '${f.name}': expected start=, end= or a duration (${DURATION_FIELDS.join(', ')})`);
    }
    if (!attrs.start && !attrs.end) throw ts.error(opToken, 'date in_range needs start= and/or end=');
    const children = Object.keys(duration).length > 0 ? [element('duration', { id: ids.allocate(`${id}-duration`), ...duration })] : [];
    return element('date_expression', attrs, children);
  }
  throw ts.unexpected(opToken, 'gt, lt, in_range or date_spec after date');
}

function parseSimpleExpression(ts: TokenStream, ruleId: string, ids: IdAllocator): XmlElement {
  const first = ts.next('an expression (attribute op value, defined attr, not_defined attr or date …)');
  const id = ids.allocate(`${ruleId}-expression`);
  const word = first.quoted ? '' : first.text.toLowerCase();
  if (UNARY_OPS.includes(word)) {
    const attribute = ts.next('a node attribute name');
    return element('expression', { id, attribute: attribute.text, operation: word });
  }
  if (word === 'date') return parseDateExpression(ts, id, ids);
  const opToken = ts.next(`a comparison (${BINARY_OPS.join(', ')})`);
  const [typePart, opPart] = opToken.text.includes(':') ? opToken.text.split(':', 2) : [undefined, opToken.text];
  const op = opPart.toLowerCase();
  if (!BINARY_OPS.includes(op)) throw ts.unexpected(opToken, `a comparison (${BINARY_OPS.join(', ')}) after attribute '${first.text}'`);
  if (typePart !== undefined && !VALUE_TYPES.includes(typePart.toLowerCase())) {
    throw ts.error(opToken, `unknown value type '${typePart}': expected ${VALUE_TYPES.join(', ')}`);
  }
  const value = ts.next(`a value to compare '${first.text}' with`);
  return element('expression', { id, attribute: first.text, operation: op, value: value.text, type: typePart?.toLowerCase() });
}

/** `rule [$id=…] [$role=…] <score>: <expr> [and|or <expr>]…` — stops before the next `rule`. */
export function parseRule(ts: TokenStream, owner: string, ids: IdAllocator): XmlElement {
  const attrs: Record<string, string | undefined> = {};
  for (let token = ts.peek(); token && token.text.startsWith('$'); token = ts.peek()) {
    const nv = splitNameValue(ts.next('$id= or $role='));
    if (nv?.name === '$id') attrs.id = nv.value;
    else if (nv?.name === '$role') attrs.role = checkRole(ts, token, nv.value);
    else throw ts.unexpected(token, '$id= or $role=');
  }
  const { score, scoreAttribute } = parseScoreToken(ts, ts.next('a rule score (e.g. -inf:)'));
  const id = attrs.id ?? ids.allocate(`${owner}-rule`);
  ids.claim(id);
  const rule = element('rule', { id, score, 'score-attribute': scoreAttribute, role: attrs.role });
  rule.children.push(parseSimpleExpression(ts, id, ids));
  let booleanOp: string | undefined;
  while (!ts.atEnd() && !ts.peekIs('rule')) {
    const opToken = ts.next("'and' or 'or'");
    const op = opToken.text.toLowerCase();
    if (op !== 'and' && op !== 'or') throw ts.unexpected(opToken, "'and', 'or' or the next 'rule'");
    if (booleanOp && booleanOp !== op) throw ts.error(opToken, "cannot mix 'and' and 'or' in one rule: write separate rules");
    booleanOp = op;
    rule.children.push(parseSimpleExpression(ts, id, ids));
  }
  if (booleanOp) rule.attrs['boolean-op'] = booleanOp;
  return rule;
}
