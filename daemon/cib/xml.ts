import { createRequire } from 'node:module';
import type { XMLParser } from 'fast-xml-parser';
import { VigilError, formatLocation, type SourceLocation } from '../util/errors.js';

/**
 * A minimal, order-preserving XML element tree: the common currency for CIB
 * documents across vigil (the store keeps XML text, the scheduler and shell
 * build typed models from these trees). Text content is ignored except where
 * an element holds only text (kept as `text`).
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text?: string;
}

export class XmlSyntaxError extends VigilError {
  override readonly code = 'XML_SYNTAX';
  constructor(
    readonly detail: string,
    readonly location: SourceLocation,
    options?: { cause?: unknown },
  ) {
    super(`${formatLocation(location)}malformed XML: ${detail}`, options);
  }
}

type FastXmlParser = typeof import('fast-xml-parser');
/** Loaded on first use: `vigil simulate -x` and the scheduler read CIBs with xml-scan.ts, and the library's 40 modules cost startup time. */
let library: { lib: FastXmlParser; parser: XMLParser } | undefined;

function fastXmlParser(): { lib: FastXmlParser; parser: XMLParser } {
  if (library) return library;
  const lib = createRequire(import.meta.url)('fast-xml-parser') as FastXmlParser;
  return (library = { lib, parser: new lib.XMLParser(PARSER_OPTIONS) });
}

const PARSER_OPTIONS = {
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  // Attribute values stay verbatim (an instance attribute's value feeds the operation digest); text is trimmed below.
  trimValues: false,
  processEntities: true,
  commentPropName: '#comment',
};

type Ordered = Record<string, unknown> & { ':@'?: Record<string, string> };

function convert(node: Ordered): XmlElement | undefined {
  const name = Object.keys(node).find((k) => k !== ':@');
  if (name === undefined || name === '#text' || name === '#comment' || name.startsWith('?')) return undefined;
  const attrs: Record<string, string> = { ...(node[':@'] ?? {}) };
  const children: XmlElement[] = [];
  let text: string | undefined;
  for (const child of (node[name] as Ordered[]) ?? []) {
    if ('#text' in child) text = (text ?? '') + String(child['#text']);
    else {
      const el = convert(child);
      if (el) children.push(el);
    }
  }
  const el: XmlElement = { name, attrs, children };
  const trimmed = text?.trim();
  if (trimmed && children.length === 0) el.text = trimmed;
  return el;
}

/** Parses an XML document and returns its root element; throws XmlSyntaxError with line/column. */
export function parseXml(source: string, file?: string): XmlElement {
  const { lib, parser } = fastXmlParser();
  const valid = lib.XMLValidator.validate(source, { allowBooleanAttributes: false });
  if (valid !== true) {
    throw new XmlSyntaxError(valid.err.msg, { file, line: valid.err.line, column: valid.err.col });
  }
  const roots = (parser.parse(source) as Ordered[]).map(convert).filter((e): e is XmlElement => e !== undefined);
  if (roots.length !== 1) throw new XmlSyntaxError(`expected exactly one root element, found ${roots.length}`, { file });
  return roots[0];
}

const escapeAttr = (v: string) =>
  v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const escapeText = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Serializes an element tree, indented two spaces per level (the layout cibadmin uses). */
export function writeXml(el: XmlElement, indent = 0): string {
  const pad = '  '.repeat(indent);
  const attrs = Object.entries(el.attrs)
    .map(([k, v]) => ` ${k}="${escapeAttr(v)}"`)
    .join('');
  if (el.children.length === 0) {
    if (el.text !== undefined && el.text !== '') return `${pad}<${el.name}${attrs}>${escapeText(el.text)}</${el.name}>\n`;
    return `${pad}<${el.name}${attrs}/>\n`;
  }
  const inner = el.children.map((c) => writeXml(c, indent + 1)).join('');
  return `${pad}<${el.name}${attrs}>\n${inner}${pad}</${el.name}>\n`;
}

// Small helpers for walking trees without repeating filter expressions everywhere. Plain indexed loops: a
// large CIB's configuration calls them tens of thousands of times, mostly before V8 has optimized them.

export function childrenNamed(el: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  const children = el.children;
  for (let i = 0; i < children.length; i++) if (children[i].name === name) out.push(children[i]);
  return out;
}

export function firstChild(el: XmlElement, name: string): XmlElement | undefined {
  const children = el.children;
  for (let i = 0; i < children.length; i++) if (children[i].name === name) return children[i];
  return undefined;
}

/**
 * The list at its length. An array grown by push keeps room for 16
 * elements: the tens of thousands of small lists of a large CIB (children,
 * attribute sets, pairs, operations) would carry that room through every
 * garbage collection of the run (at 32 nodes / 2000 VMs, 1.9 MB of the
 * configuration model's 11 MB, 1.6 MB of its tree's 12.3 MB).
 */
export function fitted<T>(list: T[]): T[] {
  return list.length === 0 ? list : list.slice();
}

export function element(name: string, attrs: Record<string, string | undefined> = {}, children: XmlElement[] = []): XmlElement {
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) clean[k] = v;
  return { name, attrs: clean, children };
}
