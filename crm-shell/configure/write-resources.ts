import { childrenNamed, firstChild, type XmlElement } from '../../daemon/cib/xml.js';
import { RESOURCE_KINDS } from './configuration.js';
import { pairs, quote, setPrefix, statement } from './crm-text.js';

function nvSets(el: XmlElement, kinds: Array<[string, string, string]>): string[] {
  return kinds.flatMap(([name, keyword, generated]) =>
    childrenNamed(el, name).map((set) => `${keyword} ${setPrefix(set, generated)}${pairs(set)}`.trimEnd()),
  );
}

export function writeNode(node: XmlElement): string {
  const id = node.attrs.id;
  const uname = node.attrs.uname ?? id;
  let head = `node ${id === uname ? '' : `${quote(id)}: `}${uname}`;
  if (node.attrs.type && node.attrs.type !== 'member' && node.attrs.type !== 'normal') head += `:${node.attrs.type}`;
  if (node.attrs.description !== undefined) head += ` description=${quote(node.attrs.description)}`;
  return statement(head, nvSets(node, [
    ['instance_attributes', 'attributes', `nodes-${id}`],
    ['utilization', 'utilization', `${id}-utilization`],
  ]));
}

function writeOp(rsc: string, op: XmlElement): string {
  const { id, name, ...attrs } = op.attrs;
  let text = `op ${name}`;
  if (id !== `${rsc}-${name}-${attrs.interval ?? '0s'}`) text += ` id=${quote(id)}`;
  for (const [k, v] of Object.entries(attrs)) text += ` ${k}=${quote(v)}`;
  for (const set of childrenNamed(op, 'instance_attributes')) text += ` op_params ${setPrefix(set, `${id}-instance_attributes`)}${pairs(set)}`;
  for (const set of childrenNamed(op, 'meta_attributes')) text += ` op_meta ${setPrefix(set, `${id}-meta_attributes`)}${pairs(set)}`;
  return text;
}

function writePrimitive(prim: XmlElement): string {
  const { id, class: cls, provider, type, description, template } = prim.attrs;
  const agent = template !== undefined ? `@${template}` : `${cls}${provider ? `:${provider}` : ''}:${type}`;
  let head = `${prim.name === 'template' ? 'rsc_template' : 'primitive'} ${id} ${agent}`;
  if (description !== undefined) head += ` description=${quote(description)}`;
  const ops = childrenNamed(firstChild(prim, 'operations') ?? prim, 'op').map((op) => writeOp(id, op));
  return statement(head, [
    ...nvSets(prim, [
      ['instance_attributes', 'params', `${id}-instance_attributes`],
      ['meta_attributes', 'meta', `${id}-meta_attributes`],
      ['utilization', 'utilization', `${id}-utilization`],
    ]),
    ...ops,
  ]);
}

function writeContainer(el: XmlElement): string {
  const id = el.attrs.id;
  const members = el.children.filter((c) => RESOURCE_KINDS.has(c.name)).map((c) => c.attrs.id);
  const keyword = el.name === 'master' ? 'ms' : el.name;
  let head = `${keyword} ${id} ${members.join(' ')}`;
  if (el.attrs.description !== undefined) head += ` description=${quote(el.attrs.description)}`;
  return statement(head, nvSets(el, [
    ['meta_attributes', 'meta', `${id}-meta_attributes`],
    ['instance_attributes', 'params', `${id}-instance_attributes`],
  ]));
}

/** A resource and, before it, the resources it contains (crm syntax defines children first). */
export function writeResource(el: XmlElement): string[] {
  if (el.name === 'primitive' || el.name === 'template') return [writePrimitive(el)];
  const inner = el.children.filter((c) => RESOURCE_KINDS.has(c.name)).flatMap(writeResource);
  return [...inner, writeContainer(el)];
}

export function writeTag(tag: XmlElement): string {
  return `tag ${tag.attrs.id}: ${tag.children.map((r) => r.attrs.id).join(' ')}`;
}

/** Levels grouped by target, in index order; `.*` patterns are the target-less form. */
export function writeFencingTopology(topology: XmlElement): string | undefined {
  if (topology.children.length === 0) return undefined;
  const parts: string[] = [];
  let previous: string | undefined;
  for (const level of topology.children) {
    const { target, 'target-pattern': pattern, 'target-attribute': attribute, 'target-value': value } = level.attrs;
    const label = target !== undefined ? `${target}:` : attribute !== undefined ? `attr:${attribute}=${value ?? ''}` : pattern === '.*' ? '' : `pattern:${pattern}`;
    if (label !== previous && label !== '') parts.push(label);
    previous = label;
    parts.push(level.attrs.devices);
  }
  return `fencing_topology ${parts.join(' ')}`;
}

const DEFAULT_SETS: Record<string, [string, string]> = {
  crm_config: ['property', 'cib-bootstrap-options'],
  rsc_defaults: ['rsc_defaults', 'rsc-options'],
  op_defaults: ['op_defaults', 'op-options'],
};

export function writePropertySets(sectionName: string, sectionEl: XmlElement): string[] {
  const [keyword, generated] = DEFAULT_SETS[sectionName];
  return sectionEl.children
    .filter((set) => set.children.length > 0)
    .map((set) => statement(`${keyword} ${set.attrs.id === generated ? '' : `$id=${quote(set.attrs.id)} `}${pairs(set)}`.trimEnd(), []));
}
