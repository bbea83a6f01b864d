import { describe, it, expect } from 'vitest';
import { evaluateRule, resolveAttributes, parseIsoDate, type Rule, type AttributeSet } from '../../daemon/cib/index.js';
import { PreparedRule } from '../../daemon/cib/rules.js';

const expr = (attribute: string, operation: string, value?: string, type?: string) => ({
  kind: 'expression' as const, id: `e-${attribute}`, attribute, operation: operation as never, value,
  type: (type ?? 'string') as never, typeGiven: type !== undefined, valueSource: 'literal' as const,
});
const rule = (conditions: Rule['conditions'], booleanOp: 'and' | 'or' = 'and'): Rule => ({ kind: 'rule', id: 'r', booleanOp, conditions });
const node = (attrs: Record<string, string>) => ({ nodeAttributes: { '#uname': 'node1', '#id': '1', '#kind': 'cluster', ...attrs } });

describe('rule expressions on node attributes', () => {
  it('#uname equality and defined/not_defined', () => {
    expect(evaluateRule(rule([expr('#uname', 'eq', 'node1')]), node({}))).toBe(true);
    expect(evaluateRule(rule([expr('#uname', 'eq', 'node2')]), node({}))).toBe(false);
    expect(evaluateRule(rule([expr('pingd', 'defined')]), node({ pingd: '0' }))).toBe(true);
    expect(evaluateRule(rule([expr('pingd', 'not_defined')]), node({}))).toBe(true);
  });

  it('boolean-op or/and', () => {
    const r = [expr('pingd', 'not_defined'), expr('pingd', 'lte', '0', 'number')];
    expect(evaluateRule(rule(r, 'or'), node({ pingd: '0' }))).toBe(true);
    expect(evaluateRule(rule(r, 'or'), node({ pingd: '1000' }))).toBe(false);
    expect(evaluateRule(rule(r, 'and'), node({}))).toBe(false);
  });

  it('compares numbers, integers and versions by type, and infers numbers for ordering comparisons', () => {
    expect(evaluateRule(rule([expr('x', 'gt', '9', 'number')]), node({ x: '10' }))).toBe(true);
    expect(evaluateRule(rule([expr('x', 'gt', '9', 'string')]), node({ x: '10' }))).toBe(false);
    expect(evaluateRule(rule([expr('x', 'gt', '9')]), node({ x: '10' }))).toBe(true);
    expect(evaluateRule(rule([expr('x', 'eq', '3.6', 'integer')]), node({ x: '3.4' }))).toBe(true);
    expect(evaluateRule(rule([expr('v', 'lt', '2.10', 'version')]), node({ v: '2.9' }))).toBe(true);
    // A value that does not parse as a number falls back to string comparison.
    expect(evaluateRule(rule([expr('x', 'eq', 'abc', 'number')]), node({ x: 'abc' }))).toBe(true);
  });

  it('without a type, orders as numbers when either value has a decimal point, else as integers read like strtoll (crm_simulate 2.1.5)', () => {
    // the node's value decides too: 3.5 > 3 as numbers (truncating both to integers said no)
    expect(evaluateRule(rule([expr('load', 'gt', '3')]), node({ load: '3.5' }))).toBe(true);
    // integers are the leading digits: 1e2 reads as 1, 5 > 1e1 as 5 > 1
    expect(evaluateRule(rule([expr('load', 'gt', '3')]), node({ load: '1e2' }))).toBe(false);
    expect(evaluateRule(rule([expr('load', 'gt', '1e1')]), node({ load: '5' }))).toBe(true);
    // numbers read like strtod: trailing text ignored, inf understood
    expect(evaluateRule(rule([expr('load', 'gt', '2.5')]), node({ load: '3.5abc' }))).toBe(true);
    expect(evaluateRule(rule([expr('load', 'lt', '0.5')]), node({ load: '-inf' }))).toBe(true);
    // leading C blanks and a sign are read, a bare fraction and an exponent too
    expect(evaluateRule(rule([expr('load', 'gt', '2.5')]), node({ load: '\t +3' }))).toBe(true);
    expect(evaluateRule(rule([expr('load', 'gt', '0.5')]), node({ load: '.75' }))).toBe(true);
    expect(evaluateRule(rule([expr('load', 'lt', '1e1')]), node({ load: '5.5' }))).toBe(true);
    expect(evaluateRule(rule([expr('load', 'gt', '1.5e1')]), node({ load: '9.9' }))).toBe(false);
    // a lone sign is no number: strings are compared ("-" sorts before "2")
    expect(evaluateRule(rule([expr('load', 'gt', '2')]), node({ load: '-' }))).toBe(false);
    expect(evaluateRule(rule([expr('load', 'lt', '2')]), node({ load: '-' }))).toBe(true);
    // equality without a type compares strings
    expect(evaluateRule(rule([expr('load', 'eq', '3')]), node({ load: '3.0' }))).toBe(false);
  });

  it('date expressions: in_range with duration, gt, date_spec', () => {
    const now = new Date(Date.UTC(2005, 0, 20, 10, 0, 0)); // a Thursday
    const inRange = { kind: 'date' as const, id: 'd', operation: 'in_range' as const, start: '2005-01-19', duration: { days: 2 } };
    expect(evaluateRule(rule([inRange]), { now })).toBe(true);
    expect(evaluateRule(rule([{ ...inRange, start: '2005-01-21' }]), { now })).toBe(false);
    expect(evaluateRule(rule([{ kind: 'date', id: 'g', operation: 'gt', start: '2005-020' }]), { now })).toBe(true);
    const spec = (s: Record<string, string>) => rule([{ kind: 'date', id: 's', operation: 'date_spec', spec: s }]);
    expect(evaluateRule(spec({ hours: '9-17', weekdays: '1-5' }), { now })).toBe(true);
    expect(evaluateRule(spec({ weekdays: '6-7' }), { now })).toBe(false);
  });

  it('parses ISO 8601 calendar, ordinal and week dates', () => {
    expect(parseIsoDate('2005-01-20 10:00:00Z')?.toISOString()).toBe('2005-01-20T10:00:00.000Z');
    expect(parseIsoDate('2005-020')?.toISOString()).toBe('2005-01-20T00:00:00.000Z');
    expect(parseIsoDate('2005-W03-4')?.toISOString()).toBe('2005-01-20T00:00:00.000Z');
    expect(parseIsoDate('yesterday')).toBeUndefined();
  });
});

describe('resolveAttributes', () => {
  const set = (id: string, score: number, pairs: Record<string, string>, r?: Rule): AttributeSet => ({
    id, score, rule: r, pairs: Object.entries(pairs).map(([name, value]) => ({ name, value })),
  });

  it('higher-scored sets win and sets whose rule fails are skipped', () => {
    const sets = [
      set('low', 1, { a: 'low', b: 'low' }),
      set('high', 10, { a: 'high' }),
      set('node2-only', 100, { b: 'node2' }, rule([expr('#uname', 'eq', 'node2')])),
    ];
    expect(resolveAttributes(sets, node({}))).toEqual({ a: 'high', b: 'low' });
    expect(resolveAttributes(sets, { nodeAttributes: { '#uname': 'node2' } })).toEqual({ a: 'high', b: 'node2' });
  });

  it('a name given in the target, or repeated within a set, keeps its first value', () => {
    const sets = [set('s', 0, { a: 'set' }), { id: 't', score: 0, pairs: [{ name: 'b', value: 'first' }, { name: 'b', value: 'second' }] }];
    expect(resolveAttributes(sets, {}, { a: 'given' })).toEqual({ a: 'given', b: 'first' });
  });
});

describe('prepared rules tested on many nodes', () => {
  // Each node's context keeps the attribute values it read (as location rules use them).
  const nodes = [{ load: '3.5', pingd: '0' }, { load: '2', pingd: '100' }, { load: '10' }].map((attrs) => ({ nodeAttributes: attrs, readings: new Map() }));
  const rules = [
    rule([expr('load', 'gt', '3')]),
    rule([expr('load', 'gt', '3', 'string')]),
    rule([expr('pingd', 'not_defined'), expr('pingd', 'lte', '0', 'integer')], 'or'),
    rule([expr('load', 'eq', '2'), rule([expr('pingd', 'gte', '50')])]),
  ];

  it('agree with evaluating each rule afresh, whatever the contexts read before', () => {
    // as evaluated one by one without kept readings
    const expected = [[true, false, true], [true, false, false], [true, false, true], [false, true, false]];
    for (let pass = 0; pass < 2; pass++) {
      expect(rules.map((r) => { const p = new PreparedRule(r); return nodes.map((n) => p.test(n)); })).toEqual(expected);
      expect(rules.map((r) => nodes.map((n) => evaluateRule(r, { nodeAttributes: n.nodeAttributes })))).toEqual(expected);
    }
    expect([...nodes[2].readings.keys()].sort()).toEqual(['load', 'pingd']);
  });
});
