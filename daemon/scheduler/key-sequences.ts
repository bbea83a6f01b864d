/** A sequence of node ids some score tables have as keys, in that order, with what a user works out from it. */
export interface KeySequence<T> {
  ids: string[];
  /** the scores of the table read last with this sequence, in key order (values[i] is that of ids[i]) */
  values: Float64Array;
  data: T;
}

/**
 * Reads node-score tables (id → score, in table order) by their key sequence.
 * Most resources' tables are copies of one table, so they share a few
 * sequences: what depends only on the sequence (such as where each id goes in
 * a row) is worked out once per sequence, and a table is read in one pass over
 * its entries instead of a lookup per node.
 */
export class KeySequences<T> {
  private readonly known: KeySequence<T>[] = [];

  constructor(private readonly derive: (ids: string[]) => T) {}

  /** The sequence of `scores`' keys, its values just read from `scores`. */
  read(scores: Map<string, number>): KeySequence<T> {
    const known = this.known;
    for (let j = 0; j < known.length; j++) {
      if (!readValues(known[j], scores)) continue;
      // The sequence found goes first: consecutive tables mostly share one.
      if (j > 0) [known[0], known[j]] = [known[j], known[0]];
      return known[0];
    }
    const ids = [...scores.keys()];
    const sequence = { ids, values: new Float64Array(ids.length), data: this.derive(ids) };
    readValues(sequence, scores);
    known.push(sequence);
    return sequence;
  }
}

/** Whether the table's keys are the sequence's, in the same order; reads its scores into `values` on the way. */
function readValues<T>(sequence: KeySequence<T>, scores: Map<string, number>): boolean {
  const { ids, values } = sequence;
  if (ids.length !== scores.size) return false;
  let i = 0;
  let same = true;
  scores.forEach((score, id) => {
    if (ids[i] !== id) same = false;
    values[i++] = score;
  });
  return same;
}
