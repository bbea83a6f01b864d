import { describe, expect, it } from 'vitest';
import { hashTableOrder, listSortHead } from '../../daemon/scheduler/glib-order.js';

/** Reference: g_list_sort's top-down merge sort (split at floor(n/2), left run wins ties), sorting the whole list. */
function glibListSort(items: number[], compare: (a: number, b: number) => number): number[] {
  if (items.length < 2) return items;
  const mid = items.length >> 1;
  const left = glibListSort(items.slice(0, mid), compare);
  const right = glibListSort(items.slice(mid), compare);
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length && j < right.length) out.push(compare(left[i], right[j]) <= 0 ? left[i++] : right[j++]);
  return [...out, ...left.slice(i), ...right.slice(j)];
}

/** Deterministic PRNG (mulberry32), so a failing case can be replayed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('listSortHead', () => {
  it('picks what g_list_sort lists first, also under a non-transitive comparator (balanced placement)', () => {
    let differsFromPlainMax = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const rnd = prng(seed);
      const n = 1 + Math.floor(rnd() * 40);
      // Two capacities per item; "more free in more attributes first" is not transitive, like Pacemaker's.
      const mem = Array.from({ length: n }, () => Math.floor(rnd() * 4));
      const cpu = Array.from({ length: n }, () => Math.floor(rnd() * 4));
      const score = Array.from({ length: n }, () => Math.floor(rnd() * 2));
      const compare = (a: number, b: number) => {
        if (score[a] !== score[b]) return score[b] - score[a];
        return Math.sign(mem[b] - mem[a]) + Math.sign(cpu[b] - cpu[a]);
      };
      // The list holds the items backwards (as g_hash_table_get_values lists a table).
      const items = Array.from({ length: n }, (_, k) => n - 1 - k);
      const expected = glibListSort(items, compare)[0];
      const head = listSortHead(0, n, { compare: (pa, pb) => compare(items[pa], items[pb]) });
      expect(items[head], `seed ${seed}`).toBe(expected);
      // A different tie order (first maximum in list order) would pick another item: the split matters.
      const firstMax = items.reduce((best, x) => (compare(x, best) < 0 ? x : best));
      if (firstMax !== expected) differsFromPlainMax++;
    }
    expect(differsFromPlainMax).toBeGreaterThan(0);
  });

  it('considers only positions from..to-1', () => {
    const values = [5, 1, 4, 2, 3];
    const byValue = { compare: (a: number, b: number) => values[a] - values[b] };
    expect(listSortHead(1, 4, byValue)).toBe(1);
    expect(listSortHead(2, 5, byValue)).toBe(3);
  });
});

describe('hashTableOrder', () => {
  it('lists every key once', () => {
    const keys = Array.from({ length: 64 }, (_, i) => String(i + 1));
    const order = hashTableOrder(keys);
    expect([...order].sort()).toEqual([...keys].sort());
  });
});
