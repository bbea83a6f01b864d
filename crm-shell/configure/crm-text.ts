import type { XmlElement } from '../../daemon/cib/xml.js';

/** Quotes a value the way the lexer reads it back: bare when safe, else double-quoted. */
export function quote(value: string): string {
  if (value !== '' && /^[^\s"'()[\]{}\\]+$/.test(value)) return value;
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function pairs(set: XmlElement | undefined): string {
  return (set?.children ?? []).filter((c) => c.name === 'nvpair').map((p) => `${p.attrs.name}=${quote(p.attrs.value ?? '')}`).join(' ');
}

/** `$id=` is written only when the set's id is not the one the parser would generate. */
export function setPrefix(set: XmlElement, generated: string): string {
  return set.attrs.id === generated ? '' : `$id=${quote(set.attrs.id)} `;
}

/** Joins a statement's parts with crmsh's ` \` continuation lines. */
export function statement(head: string, parts: string[]): string {
  return [head, ...parts.filter((p) => p.trim() !== '')].join(' \\\n    ');
}
