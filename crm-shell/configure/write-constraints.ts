import { childrenNamed, type XmlElement } from '../../daemon/cib/xml.js';
import { quote, statement } from './crm-text.js';

const DURATION_OR_SPEC = (el: XmlElement) => Object.entries(el.attrs).filter(([k]) => k !== 'id').map(([k, v]) => `${k}=${quote(v)}`);

function writeExpression(expr: XmlElement): string {
  if (expr.name === 'date_expression') {
    const { operation, start, end } = expr.attrs;
    if (operation === 'gt') return `date gt ${quote(start ?? '')}`;
    if (operation === 'lt') return `date lt ${quote(end ?? '')}`;
    if (operation === 'date_spec') return ['date date_spec', ...childrenNamed(expr, 'date_spec').flatMap(DURATION_OR_SPEC)].join(' ');
    const range = [start && `start=${quote(start)}`, end && `end=${quote(end)}`].filter(Boolean);
    return ['date in_range', ...range, ...childrenNamed(expr, 'duration').flatMap(DURATION_OR_SPEC)].join(' ');
  }
  const { attribute, operation, value, type } = expr.attrs;
  if (operation === 'defined' || operation === 'not_defined') return `${operation} ${quote(attribute)}`;
  return `${quote(attribute)} ${type ? `${type}:` : ''}${operation} ${quote(value ?? '')}`;
}

function writeRule(owner: string, rule: XmlElement, index: number): string {
  const parts = ['rule'];
  const generated = index === 0 ? `${owner}-rule` : `${owner}-rule-${index - 1}`;
  if (rule.attrs.id !== generated) parts.push(`$id=${quote(rule.attrs.id)}`);
  if (rule.attrs.role) parts.push(`$role=${rule.attrs.role}`);
  parts.push(`${scoreText(rule.attrs.score) ?? rule.attrs['score-attribute'] ?? '0'}:`);
  const op = rule.attrs['boolean-op'] ?? 'and';
  parts.push(rule.children.filter((c) => c.name !== 'rule').map(writeExpression).join(` ${op} `));
  return parts.join(' ');
}

const scoreText = (score: string | undefined) => (score === 'INFINITY' ? 'inf' : score === '-INFINITY' ? '-inf' : score);

function writeLocation(c: XmlElement): string {
  const { id, rsc, role, score, node } = c.attrs;
  let head = `location ${id} ${rsc ?? `/${c.attrs['rsc-pattern']}/`}`;
  if (role) head += ` role=${role}`;
  const tail = c.attrs['resource-discovery'] ? ` resource-discovery=${c.attrs['resource-discovery']}` : '';
  if (node !== undefined) return `${head} ${scoreText(score)}: ${quote(node)}${tail}`;
  return statement(head, [...childrenNamed(c, 'rule').map((r, i) => writeRule(id, r, i)), tail.trim()]);
}

/** Resource sets back to crm brackets: `( … )` unordered, `[ … ]` require-all=false, bare when sequential. */
function writeSets(c: XmlElement, suffixAttr: 'role' | 'action'): string {
  let previousBare = false;
  return childrenNamed(c, 'resource_set')
    .map((set) => {
      const suffix = set.attrs[suffixAttr] ? `:${set.attrs[suffixAttr]}` : '';
      const members = childrenNamed(set, 'resource_ref').map((r) => `${r.attrs.id}${suffix}`);
      const { id: _id, [suffixAttr]: _suffix, sequential, 'require-all': requireAll, ...rest } = set.attrs;
      const options = Object.entries(rest).map(([k, v]) => `${k}=${quote(v)}`);
      const unordered = sequential === 'false' || sequential === '0' || sequential === 'no';
      if (!unordered && !previousBare && options.length === 0 && requireAll === undefined) {
        previousBare = true;
        return members.join(' ');
      }
      previousBare = false;
      const square = unordered && (requireAll === 'false' || requireAll === '0');
      if (!unordered) options.unshift('sequential=true');
      if (requireAll !== undefined && !square) options.push(`require-all=${requireAll}`);
      return [square ? '[' : '(', ...members, ...options, square ? ']' : ')'].join(' ');
    })
    .join(' ');
}

function writeColocation(c: XmlElement): string {
  const { id, score, rsc } = c.attrs;
  const role = (r: string | undefined) => (r ? `:${r}` : '');
  const body = rsc !== undefined ? `${rsc}${role(c.attrs['rsc-role'])} ${c.attrs['with-rsc']}${role(c.attrs['with-rsc-role'])}` : writeSets(c, 'role');
  const nodeAttr = c.attrs['node-attribute'] ? ` node-attribute=${quote(c.attrs['node-attribute'])}` : '';
  return `colocation ${id} ${scoreText(score ?? 'INFINITY')}: ${body}${nodeAttr}`;
}

function writeOrder(c: XmlElement): string {
  const { id, kind, score, first, then, symmetrical } = c.attrs;
  const action = (a: string | undefined) => (a ? `:${a}` : '');
  const prefix = kind ? `${kind}: ` : score !== undefined ? `${scoreText(score)}: ` : '';
  const body = first !== undefined ? `${first}${action(c.attrs['first-action'])} ${then}${action(c.attrs['then-action'])}` : writeSets(c, 'action');
  return `order ${id} ${prefix}${body}${symmetrical !== undefined ? ` symmetrical=${symmetrical}` : ''}`;
}

function writeTicket(c: XmlElement): string {
  const { id, ticket, rsc } = c.attrs;
  const body = rsc !== undefined ? `${rsc}${c.attrs['rsc-role'] ? `:${c.attrs['rsc-role']}` : ''}` : writeSets(c, 'role');
  return `rsc_ticket ${id} ${ticket}: ${body}${c.attrs['loss-policy'] ? ` loss-policy=${c.attrs['loss-policy']}` : ''}`;
}

export function writeConstraint(c: XmlElement): string | undefined {
  if (c.name === 'rsc_ticket') return writeTicket(c);
  if (c.name === 'rsc_location') return writeLocation(c);
  if (c.name === 'rsc_colocation') return writeColocation(c);
  if (c.name === 'rsc_order') return writeOrder(c);
  return undefined;
}
