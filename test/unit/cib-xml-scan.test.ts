import { describe, it, expect } from 'vitest';
import { scanXml, scanXmlEvents, type XmlAttributes } from '../../daemon/cib/xml-scan.js';
import { parseXml, XmlSyntaxError } from '../../daemon/cib/xml.js';

const sample = `<?xml version="1.0"?>
<!-- a comment -->
<cib epoch="1" note=" padded &amp; escaped ">
  <configuration>
    <crm_config/>
    <nodes><node id="1" uname='node1'/></nodes>
  </configuration>
  <status><text>hello &lt;world&gt;</text><![CDATA[ignored beside children]]></status>
</cib>`;

describe('scanXml', () => {
  it('builds the same tree as parseXml', () => {
    expect(scanXml(sample)).toEqual(parseXml(sample));
  });

  it('reads names right when attribute order changes from element to element (names are predicted from the last element)', () => {
    const text = '<a><b x="1" y="2"/><b y="3" x="4"/><b xy="5" x="6"/><b x="7" yz="8"/><b x="9" y="10"/></a>';
    expect(scanXml(text)).toEqual(parseXml(text));
    expect(scanXml(text).children.map((b) => b.attrs)).toEqual([{ x: '1', y: '2' }, { y: '3', x: '4' }, { xy: '5', x: '6' }, { x: '7', yz: '8' }, { x: '9', y: '10' }]);
  });

  it('reads elements that differ from the attribute names learned for their element name (templates)', () => {
    const learned = '<b x="1" y="2"/><b x="3" y="4"/>';
    const variants = [
      '<b x="a &amp; b" y="&lt;"/>', // references: decoded
      "<b x='5' y=\"6\"/>", // single quotes
      '<b\n\tx = "7"\r\n  y="8" ></b>', // other blanks, blanks around "=", an end tag
      '<b x="9"/>', // fewer attributes
      '<b x="10" y="11" z="12"/>', // more
      '<b y="13" x="14"/>', // another order
      '<b x="a>b" y=""/>', // ">" and nothing in a value
      '<b xy="15" y="16"/>', // a longer name starting like a learned one
      '<c a.b="1"/><c axb="2"/><c a.b="3"/>', // a name with a character that means something in a pattern
    ];
    // Five forms in turn: more than the scanner keeps per element name.
    const cycle = Array.from({ length: 3 }, () => '<d p="1"/><d q="1"/><d r="1"/><d s="1"/><d t="1"/>').join('');
    const text = `<a>${learned}${variants.join(learned)}${cycle}</a>`;
    expect(scanXml(text)).toEqual(parseXml(text));
  });

  it.each([
    ['<a><b x="1" y="2"/><b x="1" x="2"/></a>', /duplicate attribute "x"/],
    ['<a><b x="1" y="2"/><b x="1" y="a<b"/></a>', /"<" in the value of attribute "y"/],
    ['<a><b x="1" y="2"/><b x="1" y="a & b"/></a>', /unescaped "&"/],
    ['<a><b x="1" y="2"/><b x="1" y="2</a>', /unterminated value of attribute "y"|"<" in the value/],
    ['<a><b x="1" y="2"/><b x="1" y="2"', /unterminated tag <b>/],
  ])('finds errors in an element its template does not match: %j', (text, message) => {
    expect(() => scanXml(text)).toThrow(message);
  });

  it('still finds a duplicate attribute whose name was predicted', () => {
    expect(() => scanXml('<a><b x="1" y="2"/><b x="1" x="2"/></a>')).toThrow(/duplicate attribute "x"/);
  });

  it('decodes numeric character references (which parseXml leaves as they are)', () => {
    expect(scanXml('<a v="&#65;&#x42;"/>').attrs.v).toBe('AB');
  });

  it('reads values on demand: as numbers in place, verbatim (blanks kept) and decoded', () => {
    const seen: Array<{ name: string; value: string; number: number }> = [];
    const keys = new Map<string, number>();
    scanXmlEvents('<a n="42" m="-7" e="" t=" 5 " f="1.5" x="x" d="&#120;" w="1e3" s="abc"/>', {
      open(_name, attrs: XmlAttributes) {
        for (let k = 0; k < attrs.count; k++) {
          seen.push({ name: attrs.name(k), value: attrs.value(k), number: attrs.number(k) });
          keys.set(attrs.name(k), attrs.key(k));
        }
      },
      close() {},
    });
    expect(seen).toEqual([
      { name: 'n', value: '42', number: 42 },
      { name: 'm', value: '-7', number: -7 },
      { name: 'e', value: '', number: NaN },
      { name: 't', value: ' 5 ', number: 5 },
      { name: 'f', value: '1.5', number: 1.5 },
      { name: 'x', value: 'x', number: NaN },
      { name: 'd', value: 'x', number: NaN },
      { name: 'w', value: '1e3', number: 1000 },
      { name: 's', value: 'abc', number: NaN },
    ]);
    expect(new Set(keys.values()).size).toBe(keys.size);
  });

  it('gives elements read by the same learned pattern the same layout, and none to those read name by name', () => {
    const layouts: Array<object | undefined> = [];
    scanXmlEvents('<a><b x="1" y="2"/><b x="3" y="4"/><b x="5" y="6"/><b x="&amp;" y="7"/><b y="8" x="9"/></a>', {
      open(name, attrs) {
        if (name === 'b') layouts.push(attrs.layout);
      },
      close() {},
    });
    expect(layouts[0]).toBeUndefined();
    expect(layouts[1]).toBeDefined();
    expect(layouts[2]).toBe(layouts[1]);
    // a reference in a value, another order: read name by name
    expect(layouts.slice(3)).toEqual([undefined, undefined]);
  });

  it('gives a name the same key in every element', () => {
    const keys: number[][] = [];
    scanXmlEvents('<a><b x="1" y="2"/><b y="3" x="4"/></a>', {
      open(_name, attrs) {
        keys.push(Array.from({ length: attrs.count }, (_, k) => attrs.key(k)));
      },
      close() {},
    });
    expect(keys[1]).toEqual([keys[2][1], keys[2][0]]);
    expect(keys[1][0]).not.toBe(keys[1][1]);
  });

  it.each([
    ['<a v="&bogus;"/>', /unknown entity "&bogus;"/],
    ['<a v="a & b"/>', /unescaped "&"/],
    ['<a><b v="x<y"/></a>', /"<" in the value of attribute "v"/],
    ['<a v="x/>', /unterminated value of attribute "v"/],
  ])('finds errors in values the handler never reads: %j', (text, message) => {
    expect(() => scanXmlEvents(text, { open() {}, close() {} })).toThrow(message);
  });

  it.each([
    ['<a><b></a>', 1, /closing tag <\/a> does not match <b>/],
    ['<a x="1" x="2"/>', 1, /duplicate attribute "x"/],
    ['<a>\n<b y=1/></a>', 2, /value of attribute "y" must be quoted/],
    ['<a/><b/>', 1, /more than one root element/],
    ['<a>\n\n<b>', 3, /unclosed element <b>/],
    ['<a v="&bogus;"/>', 1, /unknown entity "&bogus;"/],
  ])('rejects %j at line %i', (text, line, message) => {
    let err: unknown;
    try {
      scanXml(text, 'in.xml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(XmlSyntaxError);
    expect((err as XmlSyntaxError).location.line).toBe(line);
    expect((err as Error).message).toMatch(message);
  });
});
