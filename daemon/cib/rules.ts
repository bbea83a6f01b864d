import type { AttributeExpression, AttributeSet, Condition, DateExpression, DateSpec, OpExpression, Rule, RscExpression, ValueType } from './model.js';

/** What a rule can look at: node attributes (incl. #uname, #id, #kind), the time, and the resource/op. */
export interface RuleContext {
  nodeAttributes?: Record<string, string>;
  now?: Date;
  rsc?: { class?: string; provider?: string; type?: string; params?: Record<string, string>; meta?: Record<string, string> };
  op?: { name: string; intervalMs: number };
  /** role the rule is evaluated for (location rules with role=) */
  role?: string;
  /** node attributes read so far (null: absent), for a context tested against many rules */
  readings?: Map<string, Operand | null>;
}

export function evaluateRule(rule: Rule, ctx: RuleContext): boolean {
  return new PreparedRule(rule).test(ctx);
}

/** A condition made ready to test in many contexts. */
interface ConditionTest {
  test(ctx: RuleContext): boolean;
}

/**
 * A rule made ready to test in many contexts (a location rule is tested on
 * every node): what depends only on the rule, such as how an expression
 * compares and its literal value read as a number, is worked out once.
 */
export class PreparedRule implements ConditionTest {
  private readonly any: boolean;
  private readonly conditions: ConditionTest[];

  constructor(rule: Rule) {
    this.any = rule.booleanOp === 'or';
    this.conditions = rule.conditions.map(prepareCondition);
  }

  test(ctx: RuleContext): boolean {
    const conditions = this.conditions;
    if (conditions.length === 0) return true;
    for (let i = 0; i < conditions.length; i++) if (conditions[i].test(ctx) === this.any) return this.any;
    return !this.any;
  }
}

function prepareCondition(c: Condition): ConditionTest {
  if (c.kind === 'rule') return new PreparedRule(c);
  if (c.kind === 'expression') return new PreparedExpression(c);
  return new ContextCondition(c);
}

/** A date, operation or resource condition (tested as given: nothing in them is worth preparing). */
class ContextCondition implements ConditionTest {
  constructor(private readonly c: DateExpression | OpExpression | RscExpression) {}

  test(ctx: RuleContext): boolean {
    const c = this.c;
    switch (c.kind) {
      case 'date':
        return evaluateDate(c, ctx.now ?? new Date());
      case 'op':
        return ctx.op === undefined || (ctx.op.name === c.name && (c.intervalMs === undefined || c.intervalMs === ctx.op.intervalMs));
      case 'rsc':
        return (
          ctx.rsc === undefined ||
          ((c.class === undefined || c.class === ctx.rsc.class) && (c.provider === undefined || c.provider === ctx.rsc.provider) && (c.type === undefined || c.type === ctx.rsc.type))
        );
    }
  }
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

const ORDERING = new Set(['lt', 'gt', 'lte', 'gte']);

/** Where a number in `v` starts as strtoll and strtod read it: past C's isspace blanks (tab to carriage return, space). */
function afterBlanks(v: string): number {
  let i = 0;
  for (let c = v.charCodeAt(0); c === 32 || (c >= 9 && c <= 13); c = v.charCodeAt(++i));
  return i;
}

/** Past the sign at `i`, if there is one. */
function afterSign(v: string, i: number): number {
  const c = v.charCodeAt(i);
  return c === 43 || c === 45 ? i + 1 : i;
}

/** Where the run of decimal digits in `v` from `i` on ends. */
function digitsEnd(v: string, i: number): number {
  for (let c = v.charCodeAt(i); c >= 48 && c <= 57; c = v.charCodeAt(++i));
  return i;
}

/** The number in `v` from `start` to `end`, without cutting a copy when that is all of `v`. */
function numberIn(v: string, start: number, end: number): number {
  return Number(start === 0 && end === v.length ? v : v.slice(start, end));
}

/** The integer `v` starts with, read as C's strtoll does (blanks, a sign, digits; what follows is ignored); undefined without digits. */
function leadingInteger(v: string): number | undefined {
  const start = afterBlanks(v);
  const i = afterSign(v, start);
  const end = digitsEnd(v, i);
  return end === i ? undefined : numberIn(v, start, end);
}

/** The number `v` starts with, read as C's strtod does (decimal with exponent, inf, nan; what follows is ignored). */
function leadingNumber(v: string): number | undefined {
  // Location rules compare a node attribute per constraint and node: plain decimals are read without a regular expression.
  const start = afterBlanks(v);
  const i = afterSign(v, start);
  const integerEnd = digitsEnd(v, i);
  const end = v.charCodeAt(integerEnd) === 46 ? digitsEnd(v, integerEnd + 1) : integerEnd;
  const digits = end - i - (end > integerEnd ? 1 : 0);
  const next = v.charCodeAt(end);
  if (digits > 0 && next !== 101 && next !== 69) return numberIn(v, start, end);
  const m = /^[\t-\r ]*([+-]?)(?:((?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)|(inf(?:inity)?)|(nan))/i.exec(v);
  if (!m) return undefined;
  const magnitude = m[2] !== undefined ? Number(m[2]) : m[3] !== undefined ? Infinity : NaN;
  return m[1] === '-' ? -magnitude : magnitude;
}

/** A value an expression compares, read as integer and as number when first needed (then kept). */
export class Operand {
  /** null: not read yet */
  private asInteger: number | undefined | null = null;
  private asNumber: number | undefined | null = null;
  readonly decimal: boolean;

  constructor(readonly text: string) {
    this.decimal = text.includes('.');
  }

  get integer(): number | undefined {
    if (this.asInteger === null) this.asInteger = leadingInteger(this.text);
    return this.asInteger;
  }

  get number(): number | undefined {
    if (this.asNumber === null) this.asNumber = leadingNumber(this.text);
    return this.asNumber;
  }
}

/**
 * A node attribute as expressions compare it. A context tested against many rules (a node's, for
 * location rules) keeps what it read, so that each value is looked up and read as a number once.
 */
function nodeValue(ctx: RuleContext, name: string): Operand | undefined {
  const readings = ctx.readings;
  let value = readings?.get(name);
  if (value !== undefined) return value ?? undefined;
  const text = ctx.nodeAttributes?.[name];
  value = text === undefined ? null : new Operand(text);
  readings?.set(name, value);
  return value ?? undefined;
}

function compareValues(actual: Operand, expected: Operand, type: ValueType): number {
  if (type === 'integer' || type === 'number') {
    const x = type === 'integer' ? actual.integer : actual.number;
    const y = type === 'integer' ? expected.integer : expected.number;
    // Values that do not parse fall back to string comparison, as Pacemaker does.
    if (x !== undefined && y !== undefined) return x < y ? -1 : x > y ? 1 : 0;
  } else if (type === 'version') return compareVersions(actual.text, expected.text);
  return actual.text < expected.text ? -1 : actual.text > expected.text ? 1 : 0;
}

/** A node attribute expression with its literal value read and its comparison type decided where they are fixed. */
class PreparedExpression implements ConditionTest {
  /**
   * The type compared by (Pacemaker 2.1.5, checked against crm_simulate): the one given, else for an
   * ordering comparison numbers when either value has a decimal point and integers otherwise (undefined
   * here: it depends on the node's value); else strings.
   */
  private readonly type: ValueType | undefined;
  /** the value when given literally */
  private readonly literal: Operand | undefined;

  constructor(private readonly e: AttributeExpression) {
    this.type = e.typeGiven || !ORDERING.has(e.operation) ? e.type : undefined;
    this.literal = e.valueSource === 'literal' && e.value !== undefined ? new Operand(e.value) : undefined;
  }

  /** The value taken from the resource's instance or meta attributes. */
  private fromResource(ctx: RuleContext): Operand | undefined {
    const e = this.e;
    const source = e.valueSource === 'param' ? ctx.rsc?.params : e.valueSource === 'meta' ? ctx.rsc?.meta : undefined;
    const text = source?.[e.value ?? ''];
    return text === undefined ? undefined : new Operand(text);
  }

  test(ctx: RuleContext): boolean {
    const e = this.e;
    const actual = nodeValue(ctx, e.attribute);
    if (e.operation === 'defined') return actual !== undefined;
    if (e.operation === 'not_defined') return actual === undefined;
    const expected = this.literal ?? this.fromResource(ctx);
    if (actual === undefined || expected === undefined) return e.operation === 'ne' && (actual !== undefined || expected !== undefined);
    const cmp = compareValues(actual, expected, this.type ?? (actual.decimal || expected.decimal ? 'number' : 'integer'));
    switch (e.operation) {
      case 'lt': return cmp < 0;
      case 'gt': return cmp > 0;
      case 'lte': return cmp <= 0;
      case 'gte': return cmp >= 0;
      case 'eq': return cmp === 0;
      case 'ne': return cmp !== 0;
    }
  }
}

/** Parses ISO 8601 dates as Pacemaker accepts them: calendar, ordinal (2005-020) and week (2005-W03-4) forms, UTC unless offset given. */
export function parseIsoDate(text: string): Date | undefined {
  const t = text.trim();
  const m = /^(\d{4})-?(?:(\d{2})-?(\d{2})|(\d{3})|W(\d{2})-?(\d))?(?:[ T](\d{2}):?(\d{2})?:?(\d{2})?(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2}|[+-]\d{2})?$/.exec(t);
  if (!m) return undefined;
  const year = Number(m[1]);
  let ms: number;
  if (m[4]) ms = Date.UTC(year, 0, Number(m[4]));
  else if (m[5]) {
    const jan4 = new Date(Date.UTC(year, 0, 4));
    const week1Monday = Date.UTC(year, 0, 4 - ((jan4.getUTCDay() + 6) % 7));
    ms = week1Monday + ((Number(m[5]) - 1) * 7 + (Number(m[6]) - 1)) * 86_400_000;
  } else ms = Date.UTC(year, m[2] ? Number(m[2]) - 1 : 0, m[3] ? Number(m[3]) : 1);
  ms += (Number(m[7] ?? 0) * 3600 + Number(m[8] ?? 0) * 60 + Number(m[9] ?? 0)) * 1000;
  if (m[10] && m[10] !== 'Z') {
    const off = /^([+-])(\d{2}):?(\d{2})?$/.exec(m[10])!;
    ms -= (off[1] === '-' ? -1 : 1) * (Number(off[2]) * 60 + Number(off[3] ?? 0)) * 60_000;
  }
  return new Date(ms);
}

function addDuration(start: Date, d: NonNullable<DateExpression['duration']>): Date {
  const r = new Date(start.getTime());
  r.setUTCFullYear(r.getUTCFullYear() + (d.years ?? 0), r.getUTCMonth() + (d.months ?? 0));
  return new Date(r.getTime() + (((d.weeks ?? 0) * 7 + (d.days ?? 0)) * 86_400 + (d.hours ?? 0) * 3600 + (d.minutes ?? 0) * 60 + (d.seconds ?? 0)) * 1000);
}

function inRangeSpec(range: string | undefined, value: number): boolean {
  if (range === undefined) return true;
  const m = /^(\d+)?(?:-(\d+)?)?$/.exec(range.trim());
  if (!m) return false;
  const lo = m[1] !== undefined ? Number(m[1]) : -Infinity;
  const hi = range.includes('-') ? (m[2] !== undefined ? Number(m[2]) : Infinity) : lo;
  return value >= lo && value <= hi;
}

function matchesSpec(spec: DateSpec, now: Date): boolean {
  const start = Date.UTC(now.getUTCFullYear(), 0, 1);
  const yearday = Math.floor((now.getTime() - start) / 86_400_000) + 1;
  const weekday = ((now.getUTCDay() + 6) % 7) + 1; // ISO: Monday = 1
  const thursday = new Date(now.getTime() + (4 - weekday) * 86_400_000);
  const weekyear = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(weekyear, 0, 1)) / (7 * 86_400_000)) + 1;
  return (
    inRangeSpec(spec.years, now.getUTCFullYear()) && inRangeSpec(spec.months, now.getUTCMonth() + 1) && inRangeSpec(spec.monthdays, now.getUTCDate()) &&
    inRangeSpec(spec.hours, now.getUTCHours()) && inRangeSpec(spec.minutes, now.getUTCMinutes()) && inRangeSpec(spec.seconds, now.getUTCSeconds()) &&
    inRangeSpec(spec.yeardays, yearday) && inRangeSpec(spec.weekdays, weekday) && inRangeSpec(spec.weekyears, weekyear) && inRangeSpec(spec.weeks, week)
  );
}

function evaluateDate(e: DateExpression, now: Date): boolean {
  const start = e.start ? parseIsoDate(e.start) : undefined;
  let end = e.end ? parseIsoDate(e.end) : undefined;
  if (!end && start && e.duration) end = addDuration(start, e.duration);
  switch (e.operation) {
    case 'gt': return start !== undefined && now > start;
    case 'lt': return end !== undefined && now < end;
    case 'in_range': return (start === undefined || now >= start) && (end === undefined || now <= end);
    case 'date_spec': return e.spec !== undefined && matchesSpec(e.spec, now);
  }
}

/** Parses a "now" given as ISO date or epoch seconds (crm_simulate -t). */
export function parseNow(text: string): Date | undefined {
  if (/^\d+$/.test(text)) return new Date(Number(text) * 1000);
  return parseIsoDate(text);
}

/**
 * Resolves attribute sets to name -> value: sets whose rule fails are skipped,
 * higher-scored sets win, and among equal scores the first in the document wins.
 */
export function resolveAttributes(sets: readonly AttributeSet[], ctx: RuleContext, into: Record<string, string> = {}): Record<string, string> {
  if (sets.length === 0) return into;
  const ordered = sets.length > 1 ? [...sets].sort((a, b) => b.score - a.score) : sets;
  // A name is taken once it is an own key of `into` (given or set here): resources are resolved by the thousand.
  for (const set of ordered) {
    if (set.rule && !evaluateRule(set.rule, ctx)) continue;
    for (const p of set.pairs) if (!Object.hasOwn(into, p.name)) into[p.name] = p.value;
  }
  return into;
}
