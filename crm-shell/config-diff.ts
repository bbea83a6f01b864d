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

/** The text people review: crm syntax when it can express everything, else XML. */
function reviewText(el: XmlElement): string {
  try {
    return writeCrm(el);
  } catch {
    return canonicalXml(el);
  }
}

/** A unified-style line diff (LCS): `-` removed, `+` added; empty when nothing differs. */
export function diffLines(before: string, after: string): string {
  const a = before.split('\n').filter((l) => l !== '');
  const b = after.split('\n').filter((l) => l !== '');
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
    } else if (i < a.length && (j >= b.length || lcs[i + 1][j] >= lcs[i][j + 1])) out.push(`- ${a[i++]}`);
    else out.push(`+ ${b[j++]}`);
  }
  return out.map((l) => `${l}\n`).join('');
}

export function configurationDiff(before: XmlElement, after: XmlElement): string {
  return diffLines(reviewText(before), reviewText(after));
}
