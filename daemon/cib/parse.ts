import { childrenNamed, firstChild, fitted, type XmlElement } from './xml.js';
import { attributesOf, scanXmlEvents, XmlTreeBuilder, type XmlAttributes } from './xml-scan.js';
import { CibReferenceError, CibValidationError } from './errors.js';
import { HistoryReader } from './history-reader.js';
import { parseScore } from './score.js';
import { parseInterval } from './duration.js';
import type {
  AttributeSet, Cib, Clone, Condition, Configuration, Constraint, DateExpression, Group, LrmResource,
  Node, NodeState, OpDefinition, Primitive, Resource, ResourceSetRef, Rule, ExpressionOp, ValueType,
} from './model.js';

/**
 * Builds the typed CIB from XML text or an element tree. Every problem raises
 * one CibValidationError naming the element; nothing is returned half-built.
 */
export function parseCib(input: string | XmlElement, file?: string): Cib {
  if (typeof input !== 'string') return new CibParser('', file).cib(input);
  const parser = new CibParser(input, file);
  const builder = new CibTreeBuilder(parser);
  scanXmlEvents(input, builder, file);
  return parser.cib(builder.root!);
}

/**
 * Builds the element tree, except that each node's resource history (the bulk
 * of a large CIB: lrm_resource and its lrm_rsc_op entries) goes straight into
 * the history reader's table instead of becoming generic elements.
 */
class CibTreeBuilder extends XmlTreeBuilder {
  /** depth inside a streamed lrm_resource (0: not in one) */
  private depth = 0;
  /** where the streamed resource goes: its lrm_resources element's list */
  private resources: LrmResource[] = [];

  constructor(private readonly parser: CibParser) {
    super();
  }

  override open(name: string, attrs: XmlAttributes): void {
    if (this.depth > 0) {
      if (this.depth++ === 1 && name === 'lrm_rsc_op') this.parser.history.lrmOp(attrs);
      return;
    }
    const parent = this.current;
    if (name === 'lrm_resource' && parent !== undefined && parent.name === 'lrm_resources') {
      this.depth = 1;
      this.resources = this.parser.prebuiltResources(parent);
      this.parser.history.beginResource(attrs);
      return;
    }
    super.open(name, attrs);
  }

  override close(name: string, text: string | undefined): void {
    if (this.depth > 0) {
      if (--this.depth === 0) {
        this.resources.push(this.parser.history.endResource());
      }
      return;
    }
    super.close(name, text);
  }
}

/** attributes of <op> with a meaning of their own (any other is op meta, like start-delay) */
const OP_FIELDS = new Set(['id', 'name', 'interval', 'timeout', 'role', 'on-fail', 'enabled', 'record-pending', 'description']);
const EXPRESSION_OPS = new Set(['lt', 'gt', 'lte', 'gte', 'eq', 'ne', 'defined', 'not_defined']);
const VALUE_TYPES = new Set(['string', 'integer', 'number', 'version']);
const ON_FAIL = new Set(['ignore', 'block', 'stop', 'restart', 'standby', 'fence', 'demote', 'restart-container', 'reset']);

const describe = (el: XmlElement) => `<${el.name}${el.attrs.id !== undefined ? ` id="${el.attrs.id}"` : ''}>`;
const isTrue = (v: string | undefined, dflt: boolean) =>
  v === undefined ? dflt : /^(true|on|yes|y|1)$/i.test(v.trim()) ? true : /^(false|off|no|n|0)$/i.test(v.trim()) ? false : dflt;

class CibParser {
  /** id -> element, for id-ref resolution within the document */
  private readonly ids = new Map<string, XmlElement>();
  readonly history: HistoryReader;

  constructor(text: string, private readonly file?: string) {
    this.history = new HistoryReader(text, file);
  }

  fail(el: XmlElement, detail: string): never {
    throw new CibValidationError(describe(el), detail, this.file ? { file: this.file } : undefined);
  }

  private required(el: XmlElement, attr: string): string {
    const v = el.attrs[attr];
    if (v === undefined || v === '') this.fail(el, `missing required attribute "${attr}"`);
    return v;
  }

  private score(el: XmlElement, attr: string): number | undefined {
    const v = el.attrs[attr];
    if (v === undefined) return undefined;
    const s = parseScore(v);
    if (s === undefined) this.fail(el, `invalid ${attr} "${v}" (expected an integer or [+-]INFINITY)`);
    return s;
  }

  private interval(el: XmlElement, attr: string): number | undefined {
    const v = el.attrs[attr];
    if (v === undefined || v === '') return undefined;
    const ms = parseInterval(v);
    if (ms === undefined) this.fail(el, `invalid ${attr} "${v}" (expected e.g. 10s, 500ms, PT1M)`);
    return ms;
  }

  private root?: XmlElement;

  /** Follows id-ref to the referenced element of the same kind (the id index is built on first use). */
  private deref(el: XmlElement): XmlElement {
    const ref = el.attrs['id-ref'];
    if (ref === undefined) return el;
    if (this.ids.size === 0 && this.root) this.index(this.root);
    const target = this.ids.get(ref);
    if (!target) throw new CibReferenceError(describe(el), `id-ref "${ref}" names no element`, this.file ? { file: this.file } : undefined);
    return target;
  }

  private index(el: XmlElement): void {
    if (el.attrs.id !== undefined && el.attrs['id-ref'] === undefined && !this.ids.has(el.attrs.id)) this.ids.set(el.attrs.id, el);
    for (const c of el.children) this.index(c);
  }

  cib(root: XmlElement): Cib {
    if (root.name !== 'cib') this.fail(root, 'root element must be <cib>');
    this.root = root;
    const conf = firstChild(root, 'configuration');
    if (!conf) this.fail(root, 'missing <configuration>');
    const configuration = this.configuration(conf);
    const statusEl = firstChild(root, 'status');
    const idByName = new Map(configuration.nodes.map((n) => [n.uname, n.id]));
    const status = statusEl ? childrenNamed(statusEl, 'node_state').map((n) => this.nodeState(n, idByName)) : [];
    const ticketsEl = statusEl ? firstChild(statusEl, 'tickets') : undefined;
    const tickets = ticketsEl ? Object.fromEntries(childrenNamed(ticketsEl, 'ticket_state').map((t) => [t.attrs.id ?? '', { granted: isTrue(t.attrs.granted, false), standby: isTrue(t.attrs.standby, false) }])) : undefined;
    return { attrs: { ...root.attrs }, configuration, status, ...(tickets ? { tickets } : {}), file: this.file };
  }

  private configuration(conf: XmlElement): Configuration {
    const sets = (parent: XmlElement | undefined, name: string) =>
      parent ? childrenNamed(parent, name).map((s) => this.attributeSet(s)) : [];
    const crmConfigEl = firstChild(conf, 'crm_config');
    const resourcesEl = firstChild(conf, 'resources');
    const templates = resourcesEl ? childrenNamed(resourcesEl, 'template').map((t) => this.primitive(t, undefined, new Map())) : [];
    const templateMap = new Map(templates.map((t) => [t.id, t]));
    const resources: Resource[] = [];
    for (const el of resourcesEl?.children ?? []) {
      const r = this.resource(el, undefined, templateMap);
      if (r) resources.push(r);
    }
    const configuration: Configuration = {
      crmConfig: sets(crmConfigEl, 'cluster_property_set'),
      nodes: childrenNamed(firstChild(conf, 'nodes') ?? { name: 'nodes', attrs: {}, children: [] }, 'node').map((n) => this.node(n)),
      resources,
      templates,
      constraints: [],
      rscDefaults: sets(firstChild(conf, 'rsc_defaults'), 'meta_attributes'),
      opDefaults: sets(firstChild(conf, 'op_defaults'), 'meta_attributes'),
    };
    const tagsEl = firstChild(conf, 'tags');
    if (tagsEl) configuration.tags = Object.fromEntries(childrenNamed(tagsEl, 'tag').map((t) => [t.attrs.id ?? '', childrenNamed(t, 'obj_ref').map((o) => o.attrs.id ?? '')]));
    const known = new Set<string>();
    const visit = (r: Resource) => {
      if (known.has(r.id)) throw new CibValidationError(`<${r.kind} id="${r.id}">`, 'duplicate resource id', this.file ? { file: this.file } : undefined);
      known.add(r.id);
      if (r.kind === 'group') r.children.forEach(visit);
      if (r.kind === 'clone') visit(r.child);
      if (r.kind === 'bundle' && r.primitive) visit(r.primitive);
    };
    resources.forEach(visit);
    const tags = new Set<string>();
    for (const t of childrenNamed(firstChild(conf, 'tags') ?? { name: 'tags', attrs: {}, children: [] }, 'tag')) tags.add(t.attrs.id);
    // A constraint may also name a template: it applies to every primitive made from it.
    for (const t of templates) tags.add(t.id);
    for (const el of firstChild(conf, 'constraints')?.children ?? []) {
      const c = this.constraint(el);
      if (c) {
        this.checkReferences(el, c, known, tags);
        configuration.constraints.push(c);
      }
    }
    return configuration;
  }

  private checkReferences(el: XmlElement, c: Constraint, known: Set<string>, tags: Set<string>): void {
    const check = (id: string | undefined, attr: string) => {
      if (id !== undefined && !known.has(id) && !tags.has(id)) {
        throw new CibReferenceError(describe(el), `${attr} "${id}" names no resource`, this.file ? { file: this.file } : undefined);
      }
    };
    if (c.kind === 'location') check(c.rsc, 'rsc');
    if (c.kind === 'colocation') {
      check(c.rsc, 'rsc');
      check(c.withRsc, 'with-rsc');
    }
    if (c.kind === 'order') {
      check(c.first, 'first');
      check(c.then, 'then');
    }
    if (c.kind !== 'ticket') for (const s of c.sets) for (const r of s.resources) check(r, `resource_set "${s.id}" member`);
  }

  attributeSet(raw: XmlElement): AttributeSet {
    const el = this.deref(raw);
    const ruleEl = firstChild(el, 'rule');
    return {
      id: el.attrs.id ?? raw.attrs.id ?? '',
      score: this.score(el, 'score') ?? 0,
      rule: ruleEl ? this.rule(ruleEl) : undefined,
      pairs: this.pairs(el),
    };
  }

  private pairs(set: XmlElement): AttributeSet['pairs'] {
    const pairs: AttributeSet['pairs'] = [];
    const children = set.children;
    for (let i = 0; i < children.length; i++) {
      if (children[i].name !== 'nvpair') continue;
      const pair = this.deref(children[i]);
      pairs.push({ id: pair.attrs.id, name: this.required(pair, 'name'), value: pair.attrs.value ?? '' });
    }
    return fitted(pairs);
  }

  rule(raw: XmlElement): Rule {
    const el = this.deref(raw);
    const op = (el.attrs['boolean-op'] ?? 'and').toLowerCase();
    if (op !== 'and' && op !== 'or') this.fail(el, `invalid boolean-op "${op}" (expected and/or)`);
    const conditions: Condition[] = [];
    for (const c of el.children) {
      const cond = this.condition(c);
      if (cond) conditions.push(cond);
    }
    return {
      kind: 'rule', id: el.attrs.id ?? '', score: this.score(el, 'score'), scoreAttribute: el.attrs['score-attribute'],
      booleanOp: op, role: el.attrs.role, conditions: fitted(conditions),
    };
  }

  private condition(raw: XmlElement): Condition | undefined {
    const el = this.deref(raw);
    switch (el.name) {
      case 'rule':
        return this.rule(el);
      case 'expression': {
        const operation = this.required(el, 'operation') as ExpressionOp;
        if (!EXPRESSION_OPS.has(operation)) this.fail(el, `invalid operation "${operation}"`);
        const type = (el.attrs.type ?? 'string').toLowerCase() as ValueType;
        if (!VALUE_TYPES.has(type)) this.fail(el, `invalid type "${type}"`);
        if (operation !== 'defined' && operation !== 'not_defined' && el.attrs.value === undefined) this.fail(el, `operation "${operation}" needs a value`);
        const vs = el.attrs['value-source'] ?? 'literal';
        if (vs !== 'literal' && vs !== 'param' && vs !== 'meta') this.fail(el, `invalid value-source "${vs}"`);
        return { kind: 'expression', id: el.attrs.id ?? '', attribute: this.required(el, 'attribute'), operation, value: el.attrs.value, type, typeGiven: el.attrs.type !== undefined, valueSource: vs };
      }
      case 'date_expression':
        return this.dateExpression(el);
      case 'op_expression':
        return { kind: 'op', id: el.attrs.id ?? '', name: this.required(el, 'name'), intervalMs: this.interval(el, 'interval') };
      case 'rsc_expression':
        return { kind: 'rsc', id: el.attrs.id ?? '', class: el.attrs.class, provider: el.attrs.provider, type: el.attrs.type };
      default:
        return undefined;
    }
  }

  private dateExpression(el: XmlElement): DateExpression {
    const operation = (el.attrs.operation ?? 'in_range') as DateExpression['operation'];
    if (!['gt', 'lt', 'in_range', 'date_spec'].includes(operation)) this.fail(el, `invalid date operation "${operation}"`);
    const specEl = firstChild(el, 'date_spec');
    const durEl = firstChild(el, 'duration');
    const expr: DateExpression = { kind: 'date', id: el.attrs.id ?? '', operation, start: el.attrs.start, end: el.attrs.end };
    if (specEl) {
      const { id: _id, ...fields } = specEl.attrs;
      expr.spec = fields;
    }
    if (durEl) {
      const d: NonNullable<DateExpression['duration']> = {};
      for (const k of ['years', 'months', 'weeks', 'days', 'hours', 'minutes', 'seconds'] as const) {
        if (durEl.attrs[k] !== undefined) {
          const n = Number(durEl.attrs[k]);
          if (!Number.isFinite(n)) this.fail(durEl, `invalid ${k} "${durEl.attrs[k]}"`);
          d[k] = n;
        }
      }
      expr.duration = d;
    }
    if (operation === 'date_spec' && !specEl) this.fail(el, 'operation date_spec needs a <date_spec>');
    if ((operation === 'gt' && !expr.start) || (operation === 'lt' && !expr.end)) this.fail(el, `operation ${operation} needs ${operation === 'gt' ? 'start' : 'end'}`);
    return expr;
  }

  private node(el: XmlElement): Node {
    return {
      id: this.required(el, 'id'),
      uname: el.attrs.uname ?? el.attrs.id,
      type: el.attrs.type ?? 'member',
      attributes: childrenNamed(el, 'instance_attributes').map((s) => this.attributeSet(s)),
      utilization: childrenNamed(el, 'utilization').map((s) => this.attributeSet(s)),
    };
  }

  private resource(el: XmlElement, parent: string | undefined, templates: Map<string, Primitive>): Resource | undefined {
    switch (el.name) {
      case 'primitive':
        return this.primitive(el, parent, templates);
      case 'group': {
        const id = this.required(el, 'id');
        const g: Group = { kind: 'group', id, parent, meta: this.sets(el, 'meta_attributes'), children: [] };
        for (const c of el.children) if (c.name === 'primitive') g.children.push(this.primitive(c, id, templates));
        return g;
      }
      case 'clone':
      case 'master': {
        const id = this.required(el, 'id');
        const meta = this.sets(el, 'meta_attributes');
        const childEl = el.children.find((c) => c.name === 'primitive' || c.name === 'group');
        if (!childEl) this.fail(el, 'a clone needs one <primitive> or <group>');
        const child = this.resource(childEl, id, templates) as Primitive | Group;
        const promotable = el.name === 'master' || meta.some((s) => s.pairs.some((p) => p.name === 'promotable' && isTrue(p.value, false)));
        const clone: Clone = { kind: 'clone', id, parent, meta, promotable, child };
        return clone;
      }
      case 'bundle': {
        const id = this.required(el, 'id');
        const p = firstChild(el, 'primitive');
        return { kind: 'bundle', id, parent, meta: this.sets(el, 'meta_attributes'), primitive: p ? this.primitive(p, id, templates) : undefined, source: el };
      }
      default:
        return undefined;
    }
  }

  private sets(el: XmlElement, name: string): AttributeSet[] {
    const sets: AttributeSet[] = [];
    const children = el.children;
    for (let i = 0; i < children.length; i++) if (children[i].name === name) sets.push(this.attributeSet(children[i]));
    return fitted(sets);
  }

  private primitive(el: XmlElement, parent: string | undefined, templates: Map<string, Primitive>): Primitive {
    const id = this.required(el, 'id');
    const templateId = el.attrs.template;
    const template = templateId !== undefined ? templates.get(templateId) : undefined;
    if (templateId !== undefined && !template) throw new CibReferenceError(describe(el), `template "${templateId}" is not defined`, this.file ? { file: this.file } : undefined);
    const cls = el.attrs.class ?? template?.class;
    const type = el.attrs.type ?? template?.type;
    if (!cls) this.fail(el, 'missing required attribute "class"');
    if (!type) this.fail(el, 'missing required attribute "type"');
    if (cls === 'ocf' && !(el.attrs.provider ?? template?.provider)) this.fail(el, 'class ocf needs a provider');
    const opsEl = firstChild(el, 'operations');
    const ops: OpDefinition[] = [];
    if (opsEl) for (const o of this.deref(opsEl).children) if (o.name === 'op') ops.push(this.op(o));
    const meta = this.sets(el, 'meta_attributes');
    const instanceAttributes = this.sets(el, 'instance_attributes');
    const utilization = this.sets(el, 'utilization');
    const primitive: Primitive = {
      kind: 'primitive', id, parent, class: cls, provider: el.attrs.provider ?? template?.provider, type, template: templateId,
      meta, instanceAttributes, utilization, ops: fitted(ops),
    };
    if (template === undefined) return primitive;
    // The template's sets come first; its operations unless the primitive defines one of the same name and interval.
    return {
      ...primitive,
      meta: [...template.meta, ...meta],
      instanceAttributes: [...template.instanceAttributes, ...instanceAttributes],
      utilization: [...template.utilization, ...utilization],
      ops: [...template.ops.filter((t) => !ops.some((o) => o.name === t.name && o.intervalMs === t.intervalMs)), ...ops],
    };
  }

  private op(el: XmlElement): OpDefinition {
    const interval = this.interval(el, 'interval');
    if (interval === undefined) this.fail(el, 'missing required attribute "interval"');
    const meta: Record<string, string> = {};
    for (const s of childrenNamed(el, 'meta_attributes')) for (const p of this.attributeSet(s).pairs) meta[p.name] = p.value;
    for (const k in el.attrs) if (!OP_FIELDS.has(k)) meta[k] = el.attrs[k];
    const timeoutText = el.attrs.timeout ?? meta.timeout;
    const timeout = timeoutText !== undefined ? parseInterval(timeoutText) : undefined;
    if (timeoutText !== undefined && timeout === undefined) this.fail(el, `invalid timeout "${timeoutText}"`);
    const onFail = el.attrs['on-fail'] ?? meta['on-fail'];
    if (onFail !== undefined && !ON_FAIL.has(onFail)) this.fail(el, `invalid on-fail "${onFail}"`);
    const enabled = el.attrs.enabled ?? meta.enabled;
    const recordPending = el.attrs['record-pending'] ?? meta['record-pending'];
    return {
      id: el.attrs.id ?? '', name: this.required(el, 'name'), intervalMs: interval, timeoutMs: timeout, role: el.attrs.role,
      onFail, enabled: isTrue(enabled, true), recordPending: recordPending === undefined ? undefined : isTrue(recordPending, false), meta,
      instanceAttributes: this.sets(el, 'instance_attributes'),
    };
  }

  private resourceSets(el: XmlElement): ResourceSetRef[] {
    return childrenNamed(el, 'resource_set').map((raw) => {
      const s = this.deref(raw);
      return {
        id: s.attrs.id ?? '', resources: childrenNamed(s, 'resource_ref').map((r) => this.required(r, 'id')),
        sequential: isTrue(s.attrs.sequential, true), requireAll: isTrue(s.attrs['require-all'], true),
        role: s.attrs.role, action: s.attrs.action, score: this.score(s, 'score'), kind: s.attrs.kind,
      };
    });
  }

  private constraint(el: XmlElement): Constraint | undefined {
    const id = this.required(el, 'id');
    switch (el.name) {
      case 'rsc_location': {
        const rules = childrenNamed(el, 'rule').map((r) => this.rule(r));
        const rd = el.attrs['resource-discovery'] ?? 'always';
        if (rd !== 'always' && rd !== 'never' && rd !== 'exclusive') this.fail(el, `invalid resource-discovery "${rd}"`);
        const score = this.score(el, 'score');
        if (el.attrs.node !== undefined && score === undefined && el.attrs['score-attribute'] === undefined) this.fail(el, 'a node location needs a score');
        if (el.attrs.rsc === undefined && el.attrs['rsc-pattern'] === undefined && !firstChild(el, 'resource_set')) this.fail(el, 'missing "rsc"');
        return {
          kind: 'location', id, rsc: el.attrs.rsc, rscPattern: el.attrs['rsc-pattern'], role: el.attrs.role, node: el.attrs.node, score, rules,
          resourceDiscovery: rd, sets: this.resourceSets(el),
        };
      }
      case 'rsc_colocation': {
        const sets = this.resourceSets(el);
        const score = this.score(el, 'score');
        // Without a score Pacemaker takes 0: the colocation is accepted and has no effect.
        const rsc = el.attrs.rsc ?? el.attrs.from;
        const withRsc = el.attrs['with-rsc'] ?? el.attrs.to;
        if (sets.length === 0 && (rsc === undefined || withRsc === undefined)) this.fail(el, 'needs "rsc" and "with-rsc" or resource sets');
        return {
          kind: 'colocation', id, rsc, withRsc, rscRole: el.attrs['rsc-role'] ?? el.attrs.from_role, withRscRole: el.attrs['with-rsc-role'] ?? el.attrs.to_role,
          score: score ?? 0, nodeAttribute: el.attrs['node-attribute'] ?? '#uname',
          influence: el.attrs.influence === undefined ? undefined : isTrue(el.attrs.influence, true), sets,
        };
      }
      case 'rsc_order': {
        const sets = this.resourceSets(el);
        const first = el.attrs.first ?? el.attrs.from;
        const then = el.attrs.then ?? el.attrs.to;
        if (sets.length === 0 && (first === undefined || then === undefined)) this.fail(el, 'needs "first" and "then" or resource sets');
        let kind = el.attrs.kind;
        const score = this.score(el, 'score');
        if (kind === undefined) kind = score === undefined || score > 0 ? 'Mandatory' : 'Optional';
        const k = kind.charAt(0).toUpperCase() + kind.slice(1).toLowerCase();
        if (k !== 'Mandatory' && k !== 'Optional' && k !== 'Serialize') this.fail(el, `invalid kind "${kind}"`);
        return {
          kind: 'order', id, first, then, firstAction: el.attrs['first-action'] ?? el.attrs.action ?? 'start',
          thenAction: el.attrs['then-action'] ?? el.attrs['first-action'] ?? el.attrs.action ?? 'start',
          orderKind: k, symmetrical: isTrue(el.attrs.symmetrical, k !== 'Serialize'), sets,
          ...(el.attrs['require-all'] !== undefined ? { requireAll: isTrue(el.attrs['require-all'], true) } : {}),
        };
      }
      case 'rsc_ticket': {
        const lossPolicy = el.attrs['loss-policy'];
        if (lossPolicy !== undefined && !['stop', 'demote', 'fence', 'freeze'].includes(lossPolicy)) this.fail(el, `invalid loss-policy "${lossPolicy}" (expected stop, demote, fence or freeze)`);
        return { kind: 'ticket', id, source: el };
      }
      default:
        return undefined;
    }
  }

  private nodeState(el: XmlElement, idByName: Map<string, string>): NodeState {
    const transient: Record<string, string> = {};
    for (const t of childrenNamed(el, 'transient_attributes')) {
      for (const s of childrenNamed(t, 'instance_attributes')) for (const p of this.attributeSet(s).pairs) transient[p.name] = p.value;
    }
    const lrm = firstChild(el, 'lrm');
    const lrmResources = lrm ? firstChild(lrm, 'lrm_resources') : undefined;
    const resources: LrmResource[] = (lrmResources && this.prebuilt.get(lrmResources)) || [];
    for (const r of lrmResources ? childrenNamed(lrmResources, 'lrm_resource') : []) {
      this.history.beginResource(attributesOf(r.attrs));
      for (const o of childrenNamed(r, 'lrm_rsc_op')) this.history.lrmOp(attributesOf(o.attrs));
      resources.push(this.history.endResource());
    }
    return {
      // Old status entries may carry only the node's name: Pacemaker then finds the node by uname.
      id: el.attrs.id || (el.attrs.uname && idByName.get(el.attrs.uname)) || this.required(el, 'id'), uname: el.attrs.uname, inCcm: el.attrs.in_ccm, crmd: el.attrs.crmd, join: el.attrs.join,
      expected: el.attrs.expected, transient, resources,
    };
  }

  /** lrm_resource entries built while scanning, per lrm_resources element */
  private readonly prebuilt = new Map<XmlElement, LrmResource[]>();

  /** The list of lrm_resource entries built while scanning for `lrmResources`. */
  prebuiltResources(lrmResources: XmlElement): LrmResource[] {
    let list = this.prebuilt.get(lrmResources);
    if (list === undefined) this.prebuilt.set(lrmResources, (list = []));
    return list;
  }
}
