import { fitted, XmlSyntaxError, type XmlElement } from './xml.js';

/**
 * A single-pass XML reader for CIBs: generated clusters reach hundreds of
 * megabytes, where a generic validating parser spends seconds. It reports
 * elements as events (so a caller may build compact objects directly) and
 * builds the same XmlElement trees as parseXml. Handles elements, attributes,
 * text, CDATA, comments, processing instructions, DOCTYPE and the predefined
 * and numeric entities; anything malformed raises XmlSyntaxError with
 * line:column, whether or not the caller reads the value concerned.
 */

/**
 * The attributes of the element being opened, valid during its open() call
 * only. Values are cut from the text when asked for: most of a large CIB is
 * resource history, of which a caller needs only some attributes.
 */
export interface XmlAttributes {
  readonly count: number;
  /** The k-th name, internalized (comparing it with a literal is a pointer check). */
  name(k: number): string;
  /** A small number standing for the k-th name: the same for the same name throughout one document. */
  key(k: number): number;
  /** The k-th value, verbatim (blanks kept: an instance attribute's value feeds the operation digest), entities decoded. */
  value(k: number): string;
  /** The k-th value as Number() reads it, without making a string when it is a plain integer; NaN when empty. */
  number(k: number): number;
  /** Whether the k-th value is `text`, compared in place (no string is made). */
  equals(k: number, text: string): boolean;
  /** Where the k-th value lies verbatim in the scanned text; -1 when it does not (entities decoded, or not scanned). */
  start(k: number): number;
  /** Where that verbatim value ends (meaningful when start(k) >= 0). */
  end(k: number): number;
  /**
   * Stands for the element's attribute names in order, when the scanner
   * read them by a learned pattern (see TagTemplate): the same object for
   * every element so read with the same names, so that a caller can map
   * names to slots once. Undefined when the names were read one by one.
   */
  readonly layout: object | undefined;
}

export interface XmlEvents {
  open(name: string, attrs: XmlAttributes): void;
  /** The element ends; `text` is its trimmed text when it had no child elements. */
  close(name: string, text: string | undefined): void;
}

export function scanXmlEvents(src: string, handler: XmlEvents, file?: string): void {
  new Scanner(src, handler, file).document();
}

/** Builds XmlElement trees from events. */
export class XmlTreeBuilder implements XmlEvents {
  private readonly stack: XmlElement[] = [];
  root?: XmlElement;

  open(name: string, attrs: XmlAttributes): void {
    const record: Record<string, string> = {};
    for (let k = 0; k < attrs.count; k++) record[attrs.name(k)] = attrs.value(k);
    this.push({ name, attrs: record, children: [] });
  }

  /** Adds an element built elsewhere (e.g. by a subclass) as the current element. */
  protected push(el: XmlElement): void {
    const parent = this.stack[this.stack.length - 1];
    if (parent) parent.children.push(el);
    else this.root = el;
    this.stack.push(el);
  }

  protected get current(): XmlElement | undefined {
    return this.stack[this.stack.length - 1];
  }

  close(_name: string, text: string | undefined): void {
    const el = this.stack.pop()!;
    el.children = fitted(el.children);
    if (text !== undefined) el.text = text;
  }
}

/** Keys of names seen by attributesOf (a tree has no scanner to number them). */
const treeKeys = new Map<string, number>();

/** The attributes of an element already in a tree, for code that also handles scanned ones. */
export function attributesOf(record: Record<string, string>): XmlAttributes {
  const names = Object.keys(record);
  return {
    count: names.length,
    name: (k) => names[k],
    key: (k) => treeKeys.get(names[k]) ?? treeKeys.set(names[k], treeKeys.size).size - 1,
    value: (k) => record[names[k]],
    number: (k) => (record[names[k]] === '' ? NaN : Number(record[names[k]])),
    equals: (k, text) => record[names[k]] === text,
    start: () => -1,
    end: () => -1,
    layout: undefined,
  };
}

export function scanXml(src: string, file?: string): XmlElement {
  const builder = new XmlTreeBuilder();
  scanXmlEvents(src, builder, file);
  return builder.root!;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function isNameChar(c: number): boolean {
  // Anything but whitespace, '/', '>', '=', quotes and '<' may appear in a name here.
  return c > 32 && c !== 47 && c !== 62 && c !== 61 && c !== 34 && c !== 39 && c !== 60;
}

/** A copy of `a` twice as long, the new half filled with `fill`. */
function grown(a: Int32Array<ArrayBuffer>, fill: number): Int32Array<ArrayBuffer> {
  const out = new Int32Array(a.length * 2).fill(fill);
  out.set(a);
  return out;
}


/** size of the name hint table (a power of two) */
const HINTS = 4096;

/**
 * The attribute names an element had, in order, as a pattern the next
 * element of that name is checked against in one native match: in a large
 * CIB, elements of a name mostly repeat their attribute names in the same
 * order (every history entry has the same seventeen), and the pattern
 * compares them faster than a name at a time.
 */
interface TagTemplate {
  /** per attribute: its name id */
  readonly keys: Int32Array;
  /** per attribute: the length of its name */
  readonly lengths: Int32Array;
  /** the attributes (blank-separated name="value", no '<' or '&' in a value) and the tag's end, from where the name ended */
  readonly pattern: RegExp;
}

/** A name as a literal inside a regular expression. */
const literal = (name: string): string => name.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/** Templates kept per element name: elements of a name come in a few forms (an lrm_resource with or without a provider). */
const TEMPLATES = 4;
/** How many templates an element name may be given before the scanner stops learning it (its elements vary too much). */
const LEARN_LIMIT = 64;

class Scanner implements XmlAttributes {
  private i = 0;
  count = 0;
  layout: TagTemplate | undefined;
  /** per attribute slot of the current element: name id (see nameById), and where its value begins and ends */
  // Sized so that they rarely grow: optimized code takes a field never reassigned for a constant.
  private keys = new Int32Array(64);
  private begins = new Int32Array(64);
  private ends = new Int32Array(64);
  /** per attribute slot: the decoded value when it holds a reference ('&' is rare, so decoded while scanning) */
  private readonly decoded: (string | undefined)[] = new Array<string | undefined>(64).fill(undefined);
  /** whether a value of the current element holds a reference (else `decoded` is not read: not cleared per element) */
  private anyDecoded = false;
  /** the first '<' after the current tag's own: a value reaching it holds a '<' */
  private tagLimit = -1;
  /** no '&' lies between the last value checked and here (s.length: none left) */
  private nextAmp = -1;
  /**
   * Names repeat millions of times in a large CIB: each distinct name is kept
   * once (internalized, so callers compare names by identity) and found again
   * by a hash computed while scanning, without slicing the text.
   */
  private readonly nameByHash = new Map<number, number>();
  private readonly nameById: string[] = [];
  private readonly nameByText = new Map<string, number>();
  private nameId = 0;
  /** per name id: the element it last appeared in as an attribute (duplicate check; sized so that it rarely grows, see keys) */
  private seenIn = new Int32Array(1024);
  /**
   * Which name came next last time, per context (the element's name and the
   * attribute before, hashed into a small table): attributes come in the same
   * order element after element. Only a hint, checked on use.
   */
  private readonly nextName = new Int32Array(HINTS).fill(-1);
  /** the name id of the element being scanned */
  private elementName = 0;
  private element = 0;
  /** per element name id: the attribute names its elements had last, newest first (see TagTemplate), and how many were learned */
  private readonly templates: TagTemplate[][] = [];
  private readonly learned: number[] = [];

  constructor(
    private readonly s: string,
    private readonly handler: XmlEvents,
    private readonly file?: string,
  ) {}

  name(k: number): string {
    return this.nameById[this.keys[k]];
  }

  key(k: number): number {
    return this.keys[k];
  }

  value(k: number): string {
    if (this.anyDecoded && this.decoded[k] !== undefined) return this.decoded[k]!;
    return this.cut(this.begins[k], this.ends[k]);
  }

  number(k: number): number {
    if (this.anyDecoded && this.decoded[k] !== undefined) return this.numberOf(this.decoded[k]!);
    const s = this.s;
    let i = this.begins[k];
    const end = this.ends[k];
    const negative = s.charCodeAt(i) === 45;
    if (negative) i++;
    // Up to 15 digits stay exact in a double; anything else goes the general way.
    if (i === end || end - i > 15) return this.numberOf(this.value(k));
    let n = 0;
    for (; i < end; i++) {
      const d = s.charCodeAt(i) - 48;
      if (d < 0 || d > 9) return this.numberOf(this.value(k));
      n = n * 10 + d;
    }
    return negative ? -n : n;
  }

  equals(k: number, text: string): boolean {
    if (this.anyDecoded && this.decoded[k] !== undefined) return this.decoded[k] === text;
    const begin = this.begins[k];
    const len = text.length;
    if (this.ends[k] - begin !== len) return false;
    const s = this.s;
    for (let j = 0; j < len; j++) if (s.charCodeAt(begin + j) !== text.charCodeAt(j)) return false;
    return true;
  }

  start(k: number): number {
    return this.anyDecoded && this.decoded[k] !== undefined ? -1 : this.begins[k];
  }

  end(k: number): number {
    return this.ends[k];
  }

  private numberOf(text: string): number {
    return text === '' ? NaN : Number(text);
  }

  private cut(begin: number, end: number): string {
    return this.s.slice(begin, end);
  }

  private fail(detail: string, at = this.i): never {
    let line = 1;
    let last = -1;
    for (let k = this.s.indexOf('\n'); k !== -1 && k < at; k = this.s.indexOf('\n', k + 1)) {
      line++;
      last = k;
    }
    throw new XmlSyntaxError(detail, { file: this.file, line, column: at - last });
  }

  private decode(text: string, at: number): string {
    if (text.indexOf('&') === -1) return text;
    return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);|&/g, (_m, ref: string | undefined) => {
      if (ref === undefined) this.fail('unescaped "&"', at);
      if (ref[0] === '#') return String.fromCodePoint(ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10));
      const v = ENTITIES[ref];
      if (v === undefined) this.fail(`unknown entity "&${ref};"`, at);
      return v;
    });
  }

  private skipPast(marker: string, what: string): void {
    const end = this.s.indexOf(marker, this.i);
    if (end === -1) this.fail(`unterminated ${what}`);
    this.i = end + marker.length;
  }

  private scanName(): string {
    const s = this.s;
    const start = this.i;
    // Attributes come in the same order element after element: try the name that followed last time.
    const context = (Math.imul(this.elementName, 0x9e3779b1) ^ this.nameId) & (HINTS - 1);
    const guess = this.nextName[context];
    if (guess >= 0) {
      const g = this.nameById[guess];
      const len = g.length;
      let k = 0;
      while (k < len && s.charCodeAt(start + k) === g.charCodeAt(k)) k++;
      if (k === len && !isNameChar(s.charCodeAt(start + len))) {
        this.i = start + len;
        this.nameId = guess;
        return g;
      }
    }
    let i = start;
    let h = 0;
    for (let c = s.charCodeAt(i); i < s.length && isNameChar(c); c = s.charCodeAt(++i)) h = (Math.imul(h, 31) + c) | 0;
    this.i = i;
    const len = i - start;
    if (len === 0) this.fail('expected a name');
    h = (h + Math.imul(len, 0x9e3779b1)) | 0;
    let id = this.nameByHash.get(h);
    if (id === undefined || !this.sameName(this.nameById[id], start, len)) id = this.intern(s.slice(start, i), h, id === undefined);
    this.nextName[context] = id;
    this.nameId = id;
    return this.nameById[id];
  }

  /** Whether the text at `start` spells `name` (an inline loop: startsWith is a runtime call here). */
  private sameName(name: string, start: number, len: number): boolean {
    if (name.length !== len) return false;
    for (let k = 0; k < len; k++) if (name.charCodeAt(k) !== this.s.charCodeAt(start + k)) return false;
    return true;
  }

  private intern(text: string, hash: number, hashFree: boolean): number {
    let id = this.nameByText.get(text);
    if (id === undefined) {
      id = this.nameById.length;
      // A property key is internalized by V8: later comparisons with literals are pointer checks.
      const key: Record<string, true> = { [text]: true };
      for (const k in key) this.nameById.push(k);
      this.nameByText.set(text, id);
      if (id >= this.seenIn.length) this.seenIn = grown(this.seenIn, 0);
    }
    if (hashFree) this.nameByHash.set(hash, id);
    return id;
  }

  // Open elements as parallel stacks (no object per element): name, text so far, child count.
  private readonly openNames: string[] = [];
  private readonly openTexts: string[] = [];
  private readonly openChildren: number[] = [];
  private depth = 0;
  private rootSeen = false;

  /**
   * The document loop only finds the next markup; each tag is its own method,
   * so that the hot ones are optimized as functions early on and a late
   * first (e.g. the first status entry) deoptimizes one tag, not the loop.
   */
  document(): void {
    // In slices of tags: each slice is a call, optimized like any hot function (see above).
    while (this.tags(512));
    if (this.depth > 0) this.fail(`unclosed element <${this.openNames[this.depth - 1]}>`);
    if (!this.rootSeen) this.fail('no root element');
  }

  /** Up to `budget` pieces of markup; false at the end of the text. */
  private tags(budget: number): boolean {
    const s = this.s;
    for (let n = 0; n < budget; n++) {
      if (this.i >= s.length) return false;
      // An element's tag already found the next '<' (see tagLimit).
      const lt = this.tagLimit >= this.i ? this.tagLimit : s.indexOf('<', this.i);
      const textEnd = lt === -1 || lt >= s.length ? s.length : lt;
      if (textEnd > this.i) this.textUpTo(textEnd);
      if (textEnd === s.length) return false;
      this.i = lt;
      const next = s.charCodeAt(lt + 1);
      if (next === 47 /* / */) this.endTag(lt);
      else if (next === 33 /* ! */ || next === 63 /* ? */) this.markup(lt);
      else this.startTag(lt);
    }
    return true;
  }

  /** Text between the cursor and `end`: it matters only in elements without children (see XmlElement.text). */
  private textUpTo(end: number): void {
    const depth = this.depth;
    if (depth > 0 && this.openChildren[depth - 1] === 0) this.openTexts[depth - 1] += this.s.slice(this.i, end);
    else if (depth === 0 && this.s.slice(this.i, end).trim() !== '') this.fail('text outside the root element');
  }

  /** A processing instruction, comment, CDATA section or declaration at `lt`. */
  private markup(lt: number): void {
    const s = this.s;
    if (s.charCodeAt(lt + 1) === 63 /* ? */) this.skipPast('?>', 'processing instruction');
    else if (s.startsWith('<!--', lt)) this.skipPast('-->', 'comment');
    else if (s.startsWith('<![CDATA[', lt)) {
      const end = s.indexOf(']]>', lt);
      if (end === -1) this.fail('unterminated CDATA section');
      if (this.depth === 0) this.fail('CDATA outside the root element');
      this.openTexts[this.depth - 1] += s.slice(lt + 9, end).replace(/&/g, '&amp;');
      this.i = end + 3;
    } else this.skipPast('>', 'declaration');
  }

  private endTag(lt: number): void {
    const s = this.s;
    this.i = lt + 2;
    const name = this.scanName();
    let c = s.charCodeAt(this.i);
    while (c <= 32) c = s.charCodeAt(++this.i);
    if (c !== 62) this.fail(`expected ">" to close </${name}>`);
    this.i++;
    if (this.depth === 0) this.fail(`closing tag </${name}> without an open element`, lt);
    const depth = --this.depth;
    const open = this.openNames[depth];
    if (open !== name) this.fail(`closing tag </${name}> does not match <${open}>`, lt);
    this.handler.close(name, this.openChildren[depth] > 0 ? undefined : this.text(this.openTexts[depth]));
  }

  private startTag(lt: number): void {
    const s = this.s;
    if (this.rootSeen && this.depth === 0) this.fail('more than one root element', lt);
    this.rootSeen = true;
    this.i = lt + 1;
    const name = this.scanName();
    this.elementName = this.nameId;
    this.element++;
    this.anyDecoded = false;
    let count = 0;
    let selfClosing = false;
    const template = this.matchingTemplate(this.templates[this.elementName]);
    this.layout = template;
    if (template !== undefined) {
      count = template.keys.length;
      selfClosing = s.charCodeAt(this.i - 2) === 47;
    } else {
      // (After a template's match tagLimit stays behind the cursor, so the document loop looks for the next '<' itself.)
      const limit = s.indexOf('<', this.i);
      this.tagLimit = limit === -1 ? s.length : limit;
      for (;;) {
        let c = s.charCodeAt(this.i);
        while (c <= 32) c = s.charCodeAt(++this.i);
        if (c === 62) {
          this.i++;
          break;
        }
        if (c === 47 && s.charCodeAt(this.i + 1) === 62) {
          this.i += 2;
          selfClosing = true;
          break;
        }
        if (Number.isNaN(c)) this.fail(`unterminated tag <${name}>`, lt);
        this.attribute(count++);
      }
      this.learn(count);
    }
    const depth = this.depth;
    if (depth > 0) this.openChildren[depth - 1]++;
    this.count = count;
    this.handler.open(name, this);
    if (selfClosing) this.handler.close(name, undefined);
    else {
      this.openNames[depth] = name;
      this.openTexts[depth] = '';
      this.openChildren[depth] = 0;
      this.depth = depth + 1;
    }
  }

  /**
   * The template the attributes and end of the tag at the cursor match, if
   * one does: then they are in their slots, the cursor past the tag. What a
   * pattern accepts the attribute-at-a-time path would read alike (names as
   * learned, so no duplicates; values without '<' or references).
   */
  private matchingTemplate(templates: TagTemplate[] | undefined): TagTemplate | undefined {
    if (templates === undefined) return undefined;
    for (let j = 0; j < templates.length; j++) {
      const pattern = templates[j].pattern;
      pattern.lastIndex = this.i;
      if (pattern.test(this.s)) {
        this.readTemplated(templates[j]);
        return templates[j];
      }
    }
    return undefined;
  }

  /** Slots and cursor for a tag its template matched. */
  private readTemplated(t: TagTemplate): void {
    const s = this.s;
    let i = this.i;
    const n = t.keys.length;
    for (let k = 0; k < n; k++) {
      while (s.charCodeAt(i) <= 32) i++;
      const begin = i + t.lengths[k] + 2;
      const end = s.indexOf('"', begin);
      this.keys[k] = t.keys[k];
      this.begins[k] = begin;
      this.ends[k] = end;
      i = end + 1;
    }
    this.i = t.pattern.lastIndex;
    this.nameId = t.keys[n - 1];
  }

  /** After a tag read attribute by attribute: its names become a template of its element name (unless they are one already). */
  private learn(count: number): void {
    const e = this.elementName;
    if (count === 0 || (this.learned[e] ?? 0) >= LEARN_LIMIT) return;
    const templates = (this.templates[e] ??= []);
    for (const t of templates) if (this.hasKeys(t, count)) return;
    const keys = this.keys.slice(0, count);
    const names = Array.from(keys, (key) => this.nameById[key]);
    const blank = '[ \\t\\r\\n]';
    const pattern = new RegExp(`${names.map((n) => `${blank}+${literal(n)}="[^"<&]*"`).join('')}${blank}*/?>`, 'y');
    templates.unshift({ keys, lengths: Int32Array.from(names, (n) => n.length), pattern });
    if (templates.length > TEMPLATES) templates.pop();
    this.learned[e] = (this.learned[e] ?? 0) + 1;
  }

  /** Whether the tag just read has the template's names (its first `count` slots). */
  private hasKeys(t: TagTemplate, count: number): boolean {
    if (t.keys.length !== count) return false;
    for (let k = 0; k < count; k++) if (t.keys[k] !== this.keys[k]) return false;
    return true;
  }

  /** name="value" (or 'value') at the cursor, into slot k. */
  private attribute(k: number): void {
    const s = this.s;
    const at = this.i;
    const attr = this.scanName();
    const id = this.nameId;
    let c = s.charCodeAt(this.i);
    while (c <= 32) c = s.charCodeAt(++this.i);
    if (c !== 61) this.fail(`attribute "${attr}" needs a value`, at);
    c = s.charCodeAt(++this.i);
    while (c <= 32) c = s.charCodeAt(++this.i);
    if (c !== 34 && c !== 39) this.fail(`value of attribute "${attr}" must be quoted`);
    const begin = this.i + 1;
    const end = s.indexOf(c === 34 ? '"' : "'", begin);
    if (this.tagLimit < (end === -1 ? s.length : end)) this.fail(`"<" in the value of attribute "${attr}"`, at);
    if (end === -1) this.fail(`unterminated value of attribute "${attr}"`, at);
    if (this.seenIn[id] === this.element) this.fail(`duplicate attribute "${attr}"`, at);
    this.seenIn[id] = this.element;
    if (k >= this.begins.length) {
      this.begins = grown(this.begins, 0);
      this.ends = grown(this.ends, 0);
      this.keys = grown(this.keys, 0);
    }
    this.keys[k] = id;
    this.begins[k] = begin;
    this.ends[k] = end;
    if (this.nextAmp < begin) {
      const amp = s.indexOf('&', begin);
      this.nextAmp = amp === -1 ? s.length : amp;
    }
    if (this.nextAmp < end) {
      this.decoded[k] = this.decode(this.cut(begin, end), at);
      this.anyDecoded = true;
      const amp = s.indexOf('&', end);
      this.nextAmp = amp === -1 ? s.length : amp;
    } else this.decoded[k] = undefined;
    this.i = end + 1;
  }

  private text(text: string): string | undefined {
    if (text === '') return undefined;
    const t = text.trim();
    return t === '' ? undefined : this.decode(t, this.i);
  }
}
