/**
 * The orders Pacemaker 2.1.5 sees nodes in, which decide balanced-placement
 * ties: its comparator for balanced placement is not transitive (more free
 * memory but less free CPU compares equal), so the winner depends on the order
 * the candidates are listed in and on the sort algorithm. Pacemaker keeps a
 * resource's allowed nodes in a GLib hash table keyed by node id (with a
 * case-insensitive h*31 string hash), lists them with g_hash_table_get_values
 * (iteration order, reversed) and sorts the list with g_list_sort (a top-down
 * merge sort: splits at floor(n/2), takes from the left run on ties). The
 * table layout (open addressing, quadratic probing, power-of-two sizes with a
 * prime modulus) was checked against the installed libglib through ctypes and
 * the orders against crm_simulate's trace log.
 */
import type { WorkingSet } from './working-set.js';

const MIN_SHIFT = 3;
/** The largest prime below each power of two, per table shift (GLib's bucket modulus). */
const PRIME_MOD = [1, 2, 3, 7, 13, 31, 61, 127, 251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521];

/** Pacemaker's case-insensitive string hash for node tables: h * 31 + lower-case byte, 32-bit unsigned. */
function strHash(key: string): number {
  let h = 0;
  const lower = key.toLowerCase();
  for (let i = 0; i < lower.length; i++) h = (Math.imul(h, 31) + lower.charCodeAt(i)) >>> 0;
  return h < 2 ? 2 : h;
}

const shiftFor = (n: number): number => {
  let shift = 0;
  for (let x = Math.floor(n); x > 0; x >>= 1) shift++;
  return Math.max(shift, MIN_SHIFT);
};

class HashTable {
  private shift = MIN_SHIFT;
  slots: (string | undefined)[] = new Array<string | undefined>(1 << MIN_SHIFT);
  private hashes: number[] = new Array<number>(1 << MIN_SHIFT).fill(0);
  private count = 0;

  private home(hash: number): number {
    return (Math.imul(hash, 11) >>> 0) % PRIME_MOD[this.shift];
  }

  insert(key: string): void {
    const hash = strHash(key);
    const mask = this.slots.length - 1;
    let i = this.home(hash);
    for (let step = 0; this.slots[i] !== undefined; ) {
      if (this.slots[i] === key) return;
      i = (i + ++step) & mask;
    }
    this.slots[i] = key;
    this.hashes[i] = hash;
    this.count++;
    if (this.slots.length <= this.count + (this.count >> 4)) this.grow();
  }

  /** Rehash in place as GLib does: walk old buckets in order, evicting whatever sits in a key's new bucket. */
  private grow(): void {
    const oldSize = this.slots.length;
    this.shift = shiftFor(this.count * 1.333);
    const size = 1 << this.shift;
    const mask = size - 1;
    const slots = this.slots.concat(new Array<string | undefined>(size - oldSize));
    const hashes = this.hashes.concat(new Array<number>(size - oldSize).fill(0));
    const placed = new Uint8Array(size);
    for (let i = 0; i < oldSize; i++) {
      if (slots[i] === undefined || placed[i]) continue;
      let key: string | undefined = slots[i];
      let hash = hashes[i];
      slots[i] = undefined;
      hashes[i] = 0;
      while (key !== undefined) {
        let j = this.home(hash);
        for (let step = 0; placed[j]; ) j = (j + ++step) & mask;
        placed[j] = 1;
        const evictedKey = slots[j];
        const evictedHash = hashes[j];
        slots[j] = key;
        hashes[j] = hash;
        key = evictedKey;
        hash = evictedHash;
      }
    }
    this.slots = slots;
    this.hashes = hashes;
  }
}

/** Keys in the order a GLib string-keyed hash table holding them (inserted in this order) iterates them. */
export function hashTableOrder(keys: readonly string[]): string[] {
  const t = new HashTable();
  for (const k of keys) t.insert(k);
  return t.slots.filter((k): k is string => k !== undefined);
}

/**
 * hashTableOrder's answers within one scheduler run, by key sequence: node
 * tables are copied for most resources, and nearly all share a handful of
 * sequences.
 */
export class TableLayouts {
  private readonly known = new Map<string, string[]>();

  order(keys: readonly string[]): string[] {
    // NUL cannot occur in an XML attribute, so the joined ids name the sequence unambiguously.
    const name = keys.join('\0');
    let order = this.known.get(name);
    if (order === undefined) this.known.set(name, (order = hashTableOrder(keys)));
    return order;
  }
}

const layoutsByRun = new WeakMap<WorkingSet, TableLayouts>();

/** The table layouts worked out so far in this working set's run. */
export function tableLayouts(ws: WorkingSet): TableLayouts {
  let layouts = layoutsByRun.get(ws);
  if (!layouts) layoutsByRun.set(ws, (layouts = new TableLayouts()));
  return layouts;
}

/**
 * A copy of a node-score table as pcmk__copy_node_table makes it: the source
 * is iterated in table order and inserted into a fresh table. With more nodes
 * than fill a small table without collisions (about 33 and up), the copy's
 * layout differs from the source's, so which node the sort lists first (and
 * wins a balanced-placement tie) depends on how many copies a resource's table
 * went through. A Map's key order stands for the table's insertion order.
 */
export function copyNodeTable(scores: Map<string, number>, layouts: TableLayouts): Map<string, number> {
  const copy = new Map<string, number>();
  for (const id of layouts.order([...scores.keys()])) copy.set(id, scores.get(id)!);
  return copy;
}

/** A comparison of list positions (an object, so that each user's comparison is one class: calls to it stay monomorphic). */
export interface PositionOrder {
  compare(a: number, b: number): number;
}

/**
 * The list position g_list_sort would put first, without sorting the rest: a
 * merge takes the left run's head unless the right one's compares before it,
 * so the head of a merged run is the winner of its two halves' heads.
 * Splitting as g_list_sort does decides ties (and non-transitive comparisons)
 * exactly as the full sort would, in n - 1 comparisons instead of n log n.
 * Items are identified by their list positions from..to-1 (at least one).
 */
export function listSortHead(from: number, to: number, order: PositionOrder): number {
  const n = to - from;
  if (n === 1) return from;
  const mid = from + (n >> 1);
  const left = listSortHead(from, mid, order);
  const right = listSortHead(mid, to, order);
  return order.compare(left, right) <= 0 ? left : right;
}
