import { XmlSyntaxError, type XmlElement } from './xml.js';

/**
 * A single-pass XML reader producing the same XmlElement trees as parseXml,
 * for CIBs: generated clusters reach hundreds of megabytes, where a generic
 * validating parser spends seconds. Handles elements, attributes, text,
 * CDATA, comments, processing instructions, DOCTYPE and the predefined and
 * numeric entities; anything malformed raises XmlSyntaxError with line:column.
 */
export function scanXml(src: string, file?: string): XmlElement {
  return new Scanner(src, file).document();
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function isNameChar(c: number): boolean {
  // Anything but whitespace, '/', '>', '=', quotes and '<' may appear in a name here.
  return c > 32 && c !== 47 && c !== 62 && c !== 61 && c !== 34 && c !== 39 && c !== 60;
}

class Scanner {
  private i = 0;

  constructor(
    private readonly s: string,
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
    return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);|&/g, (m, ref: string | undefined) => {
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
    const start = this.i;
    const s = this.s;
    while (this.i < s.length && isNameChar(s.charCodeAt(this.i))) this.i++;
    if (this.i === start) this.fail('expected a name');
    return s.slice(start, this.i);
  }

  private skipSpace(): void {
    const s = this.s;
    while (this.i < s.length && s.charCodeAt(this.i) <= 32) this.i++;
  }

  document(): XmlElement {
    const s = this.s;
    const stack: { el: XmlElement; text: string }[] = [];
    let root: XmlElement | undefined;
    while (this.i < s.length) {
      const lt = s.indexOf('<', this.i);
      const textEnd = lt === -1 ? s.length : lt;
      if (textEnd > this.i) {
        // Text matters only in elements without children (see XmlElement.text).
        const top = stack.length ? stack[stack.length - 1] : undefined;
        if (top && top.el.children.length === 0) top.text += s.slice(this.i, textEnd);
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
        this.skipSpace();
        if (s.charCodeAt(this.i) !== 62) this.fail(`expected ">" to close </${name}`);
        this.i++;
        const top = stack.pop();
        if (!top) this.fail(`closing tag </${name}> without an open element`, lt);
        if (top.el.name !== name) this.fail(`closing tag </${name}> does not match <${top.el.name}>`, lt);
        this.finish(top);
        if (!stack.length) root = top.el;
      } else {
        if (root) this.fail('more than one root element', lt);
        this.i = lt + 1;
        const el: XmlElement = { name: this.name(), attrs: {}, children: [] };
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
          if (Number.isNaN(c)) this.fail(`unterminated tag <${el.name}>`, lt);
          this.attribute(el);
        }
        if (stack.length) stack[stack.length - 1].el.children.push(el);
        const frame = { el, text: '' };
        if (selfClosing) {
          if (!stack.length) root = el;
        } else stack.push(frame);
      }
    }
    if (stack.length) this.fail(`unclosed element <${stack[stack.length - 1].el.name}>`);
    if (!root) this.fail('no root element');
    return root;
  }

  /** name="value" (or 'value') at the cursor, into el.attrs. */
  private attribute(el: XmlElement): void {
    const s = this.s;
    const at = this.i;
    const attr = this.name();
    let c = s.charCodeAt(this.i);
    while (c <= 32) c = s.charCodeAt(++this.i);
    if (c !== 61) this.fail(`attribute "${attr}" needs a value`, at);
    c = s.charCodeAt(++this.i);
    while (c <= 32) c = s.charCodeAt(++this.i);
    if (c !== 34 && c !== 39) this.fail(`value of attribute "${attr}" must be quoted`);
    const end = s.indexOf(c === 34 ? '"' : "'", this.i + 1);
    if (end === -1) this.fail(`unterminated value of attribute "${attr}"`, at);
    let value = s.slice(this.i + 1, end);
    if (value.indexOf('<') !== -1) this.fail(`"<" in the value of attribute "${attr}"`, at);
    if (value.length && (value.charCodeAt(0) <= 32 || value.charCodeAt(value.length - 1) <= 32)) value = value.trim();
    if (el.attrs[attr] !== undefined) this.fail(`duplicate attribute "${attr}"`, at);
    el.attrs[attr] = this.decode(value, at);
    this.i = end + 1;
  }

  private finish(frame: { el: XmlElement; text: string }): void {
    if (frame.el.children.length > 0 || frame.text === '') return;
    const t = frame.text.trim();
    if (t !== '') frame.el.text = this.decode(t, this.i);
  }
}
