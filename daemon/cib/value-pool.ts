import type { XmlAttributes } from './xml-scan.js';

/**
 * Attribute values that repeat across a status section's entries (operation
 * names, agents, node names, feature sets), each kept once and numbered. A
 * large CIB would otherwise hold hundreds of thousands of copies.
 */
export class ValuePool {
  private readonly values: string[] = [];
  private readonly indexOf = new Map<string, number>();
  /** per slot (one per field a caller reads): the index it had last, -1 if none yet */
  private readonly last: Int32Array;

  constructor(slots: number) {
    this.last = new Int32Array(slots).fill(-1);
  }

  /** The number of attribute k's value, read for `slot`. */
  index(a: XmlAttributes, k: number, slot: number): number {
    // Entries in a row mostly repeat the previous value: compared in place, it needs no string cut at all.
    const last = this.last[slot];
    const index = last >= 0 && a.equals(k, this.values[last]) ? last : this.add(a.value(k));
    this.last[slot] = index;
    return index;
  }

  /** The kept copy of attribute k's value, read for `slot`. */
  value(a: XmlAttributes, k: number, slot: number): string {
    return this.values[this.index(a, k, slot)];
  }

  at(index: number): string {
    return this.values[index];
  }

  private add(value: string): number {
    let index = this.indexOf.get(value);
    if (index === undefined) {
      index = this.values.length;
      this.values.push(value);
      this.indexOf.set(value, index);
    }
    return index;
  }
}
