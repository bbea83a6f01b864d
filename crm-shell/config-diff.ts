import { writeXml, type XmlElement } from '../daemon/cib/xml.js';
import { writeCrm } from './configure/write-crm.js';

/** Attribute order does not matter to the CIB, so comparisons use sorted attributes. */
export function canonicalXml(el: XmlElement): string {
  const sort = (e: XmlElement): XmlElement => ({
    name: e.name,
    attrs: Object.fromEntries(Object.entries(e.attrs).sort(([a], [b]) => a.localeCompare(b))),
    children: e.children.map(sort),
    ...(e.text !== undefined ? { text: e.text } : {}),
  });
  return writeXml(sort(el));
}

export function sameConfiguration(a: XmlElement, b: XmlElement): boolean {
  return canonicalXml(a) === canonicalXml(b);
}

/** The units people review: crm statements (with their continuation lines) when crm syntax can express everything, else XML lines. */
function reviewUnits(el: XmlElement): string[] {
  try {
    return crmStatements(writeCrm(el));
  } catch {
    return canonicalXml(el).split('\n').filter((l) => l !== '');
  }
}

/** Splits crm text into statements: a line ending in `\` continues on the next. */
export function crmStatements(text: string): string[] {
  const out: string[] = [];
  let current: string[] = [];
  for (const line of text.split('\n')) {
    if (line === '' && current.length === 0) continue;
    current.push(line);
    if (!line.endsWith('\\')) {
      out.push(current.join('\n'));
      current = [];
    }
  }
  if (current.length > 0) out.push(current.join('\n'));
  return out;
}

/** A line diff of two texts (see diffUnits). */
export function diffLines(before: string, after: string): string {
  return diffUnits(before.split('\n').filter((l) => l !== ''), after.split('\n').filter((l) => l !== ''));
}

/** A unified-style diff (LCS) of units: every line of a removed unit gets `-`, of an added one `+`; empty when equal. */
export function diffUnits(a: string[], b: string[]): string {
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i -= 1) {
    for (let j = b.length - 1; j >= 0; j -= 1) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      i += 1;
      j += 1;
    } else if (i < a.length && (j >= b.length || lcs[i + 1][j] >= lcs[i][j + 1])) out.push(...prefixed('-', a[i++]));
    else out.push(...prefixed('+', b[j++]));
  }
  return out.map((l) => `${l}\n`).join('');
}

const prefixed = (sign: string, unit: string) => unit.split('\n').map((l) => `${sign} ${l}`);

export function configurationDiff(before: XmlElement, after: XmlElement): string {
  return diffUnits(reviewUnits(before), reviewUnits(after));
}
