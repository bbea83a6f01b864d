import { XmlSyntaxError, type XmlElement } from './xml.js';

/**
 * A single-pass XML reader for CIBs: generated clusters reach hundreds of
 * megabytes, where a generic validating parser spends seconds. It reports
 * elements as events (so a caller may build compact objects directly) and
 * builds the same XmlElement trees as parseXml. Handles elements, attributes,
 * text, CDATA, comments, processing instructions, DOCTYPE and the predefined
 * and numeric entities; anything malformed raises XmlSyntaxError with
 * line:column.
 */
export interface XmlEvents {
  /** An element starts. Attributes are the first `count` entries of `names`/`values`, valid during this call only. */
  open(name: string, names: string[], values: string[], count: number): void;
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

  open(name: string, names: string[], values: string[], count: number): void {
    const attrs: Record<string, string> = {};
    for (let k = 0; k < count; k++) attrs[names[k]] = values[k];
    this.push({ name, attrs, children: [] });
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
    if (text !== undefined) el.text = text;
  }
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

interface Frame {
  name: string;
  text: string;
  children: number;
}

class Scanner {
  private i = 0;
  private readonly attrNames: string[] = [];
  private readonly attrValues: string[] = [];
  /**
   * Names repeat millions of times in a large CIB: each distinct name is kept
   * once (internalized, so callers compare names by identity) and found again
   * by a hash computed while scanning, without slicing the text.
   */
  private readonly nameByHash = new Map<number, number>();
  private readonly nameById: string[] = [];
  private readonly nameByText = new Map<string, number>();
  private nameId = 0;
  /** per name id: the element it last appeared in as an attribute (duplicate check) */
  private seenIn = new Int32Array(64);
  /** per name id: the name id scanned right after it last time (-1: none yet); only a hint, checked on use */
  private nextName = new Int32Array(64).fill(-1);
  private element = 0;

  constructor(
    private readonly s: string,
    private readonly handler: XmlEvents,
    private readonly file?: string,
  ) {}

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

  private name(): string {
    const s = this.s;
    const start = this.i;
    // Attributes come in the same order element after element: try the name that followed last time.
    const guess = this.nextName[this.nameId];
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
    this.nextName[this.nameId] = id;
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
      if (id >= this.seenIn.length) {
        this.seenIn = grown(this.seenIn, 0);
        this.nextName = grown(this.nextName, -1);
      }
    }
    if (hashFree) this.nameByHash.set(hash, id);
    return id;
  }

  document(): void {
    const s = this.s;
    const stack: Frame[] = [];
    let rootSeen = false;
    while (this.i < s.length) {
      const lt = s.indexOf('<', this.i);
      const textEnd = lt === -1 ? s.length : lt;
      if (textEnd > this.i) {
        // Text matters only in elements without children (see XmlElement.text).
        const top = stack.length ? stack[stack.length - 1] : undefined;
        if (top && top.children === 0) top.text += s.slice(this.i, textEnd);
        else if (!top && s.slice(this.i, textEnd).trim() !== '') this.fail('text outside the root element');
      }
      if (lt === -1) break;
      this.i = lt;
      const next = s.charCodeAt(lt + 1);
      if (next === 63 /* ? */) this.skipPast('?>', 'processing instruction');
      else if (s.startsWith('<!--', lt)) this.skipPast('-->', 'comment');
      else if (s.startsWith('<![CDATA[', lt)) {
        const end = s.indexOf(']]>', lt);
        if (end === -1) this.fail('unterminated CDATA section');
        if (!stack.length) this.fail('CDATA outside the root element');
        stack[stack.length - 1].text += s.slice(lt + 9, end).replace(/&/g, '&amp;');
        this.i = end + 3;
      } else if (next === 33 /* ! */) this.skipPast('>', 'declaration');
      else if (next === 47 /* / */) {
        this.i = lt + 2;
        const name = this.name();
        let c = s.charCodeAt(this.i);
        while (c <= 32) c = s.charCodeAt(++this.i);
        if (c !== 62) this.fail(`expected ">" to close </${name}>`);
        this.i++;
        const top = stack.pop();
        if (!top) this.fail(`closing tag </${name}> without an open element`, lt);
        if (top.name !== name) this.fail(`closing tag </${name}> does not match <${top.name}>`, lt);
        this.handler.close(name, this.text(top));
      } else {
        if (rootSeen && !stack.length) this.fail('more than one root element', lt);
        rootSeen = true;
        this.i = lt + 1;
        const name = this.name();
        this.element++;
        let count = 0;
        let selfClosing = false;
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
        if (stack.length) stack[stack.length - 1].children++;
        this.handler.open(name, this.attrNames, this.attrValues, count);
        if (selfClosing) this.handler.close(name, undefined);
        else stack.push({ name, text: '', children: 0 });
      }
    }
    if (stack.length) this.fail(`unclosed element <${stack[stack.length - 1].name}>`);
    if (!rootSeen) this.fail('no root element');
  }

  /** name="value" (or 'value') at the cursor, into slot k of the attribute arrays. */
  private attribute(k: number): void {
    const s = this.s;
    const at = this.i;
    const attr = this.name();
    const id = this.nameId;
    let c = s.charCodeAt(this.i);
    while (c <= 32) c = s.charCodeAt(++this.i);
    if (c !== 61) this.fail(`attribute "${attr}" needs a value`, at);
    c = s.charCodeAt(++this.i);
    while (c <= 32) c = s.charCodeAt(++this.i);
    if (c !== 34 && c !== 39) this.fail(`value of attribute "${attr}" must be quoted`);
    const begin = this.i + 1;
    // One pass over the value finds its end, a "<" (not allowed) and a "&" (needs decoding): values are short,
    // so an inline loop beats indexOf's runtime calls.
    let end = begin;
    let amp = false;
    for (let v = s.charCodeAt(end); v !== c; v = s.charCodeAt(++end)) {
      if (v === 60) this.fail(`"<" in the value of attribute "${attr}"`, at);
      if (v === 38) amp = true;
      else if (Number.isNaN(v)) this.fail(`unterminated value of attribute "${attr}"`, at);
    }
    if (this.seenIn[id] === this.element) this.fail(`duplicate attribute "${attr}"`, at);
    this.seenIn[id] = this.element;
    // Kept verbatim, surrounding blanks too: an instance attribute's value feeds the operation digest.
    const value = s.slice(begin, end);
    this.attrNames[k] = attr;
    this.attrValues[k] = amp ? this.decode(value, at) : value;
    this.i = end + 1;
  }

  private text(frame: Frame): string | undefined {
    if (frame.children > 0 || frame.text === '') return undefined;
    const t = frame.text.trim();
    return t === '' ? undefined : this.decode(t, this.i);
  }
}
