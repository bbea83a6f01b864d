import { describe, it, expect } from 'vitest';
import { KeySequences } from '../../daemon/scheduler/key-sequences.js';

describe('KeySequences: node-score tables read by key sequence', () => {
  it('reads each table into its sequence in key order, working a sequence out once and telling orders apart', () => {
    const derived: string[][] = [];
    const sequences = new KeySequences((ids) => (derived.push(ids), ids.join(',')));
    const read = (entries: [string, number][]) => {
      const s = sequences.read(new Map(entries));
      return { ids: s.ids.join(','), values: [...s.values], data: s.data };
    };
    expect(read([['1', 5], ['2', -1], ['3', 0]])).toEqual({ ids: '1,2,3', values: [5, -1, 0], data: '1,2,3' });
    expect(read([['2', 7], ['1', 8], ['3', 9]])).toEqual({ ids: '2,1,3', values: [7, 8, 9], data: '2,1,3' });
    // the first sequence again (now behind the second), with other scores; then one of another length
    expect(read([['1', 1], ['2', 2], ['3', 3]])).toEqual({ ids: '1,2,3', values: [1, 2, 3], data: '1,2,3' });
    expect(read([['1', 4], ['2', 6]])).toEqual({ ids: '1,2', values: [4, 6], data: '1,2' });
    expect(read([['2', 0], ['1', 0], ['3', 1]])).toEqual({ ids: '2,1,3', values: [0, 0, 1], data: '2,1,3' });
    expect(derived.map((ids) => ids.join(','))).toEqual(['1,2,3', '2,1,3', '1,2']);
  });
});
