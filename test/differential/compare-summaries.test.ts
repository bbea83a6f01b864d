import { describe, it, expect } from 'vitest';
import { agrees, diffSignature, diffSummaries } from './compare-summaries.js';

describe('compare-summaries', () => {
  it('compares summaries as multisets, in any order', () => {
    const a = ['* Start r1 ( node1 )', '* Stop r2 ( node2 ) due to node availability'];
    expect(agrees(diffSummaries(a, [...a].reverse()))).toBe(true);
    const d = diffSummaries(['* Start r1 ( node1 )', '* Start r1 ( node1 )'], ['* Start r1 ( node1 )']);
    expect(d).toEqual({ onlyReference: ['* Start r1 ( node1 )'], onlyVigil: [] });
  });

  it('groups disagreements by change and reason, not by names', () => {
    const one = diffSignature(diffSummaries(['* Recover r1 ( node1 )'], ['* Recover r1 ( node1 -> node3 )']));
    const two = diffSignature(diffSummaries(['* Recover rsc9 ( node2 )'], ['* Recover rsc9 ( node2 -> node1 )']));
    expect(one).toBe('pcmk: Recover | vigil: Recover (a -> b)');
    expect(two).toBe(one);
    expect(diffSignature(diffSummaries(['* Stop r1 ( n1 ) due to node availability'], []))).toBe('pcmk: Stop due to node availability');
  });
});
