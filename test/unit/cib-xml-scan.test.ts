import { describe, it, expect } from 'vitest';
import { scanXml } from '../../daemon/cib/xml-scan.js';
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

  it('still finds a duplicate attribute whose name was predicted', () => {
    expect(() => scanXml('<a><b x="1" y="2"/><b x="1" x="2"/></a>')).toThrow(/duplicate attribute "x"/);
  });

  it('decodes numeric character references (which parseXml leaves as they are)', () => {
    expect(scanXml('<a v="&#65;&#x42;"/>').attrs.v).toBe('AB');
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
