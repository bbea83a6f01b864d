import { describe, it, expect } from 'vitest';
import { generateSpec } from './generate-cib.js';
import { shrinkSpec } from './shrink-spec.js';
import { primitivesOf, type ClusterSpec } from './cluster-spec.js';

const primitiveIds = (s: ClusterSpec) => s.resources.flatMap(primitivesOf).map((p) => p.id);

describe('shrink-spec', () => {
  it('shrinks to what the predicate needs and keeps histories consistent', async () => {
    // a seed with several primitives, one of them failed somewhere
    const seed = [...Array(200).keys()].map((i) => i + 1).find((s) => {
      const spec = generateSpec(s);
      return primitiveIds(spec).length >= 4 && spec.histories.some((h) => Object.keys(h.failCounts).length > 0);
    })!;
    const spec = generateSpec(seed);
    const failed = spec.histories.find((h) => Object.keys(h.failCounts).length > 0)!;
    const keepsFailure = async (s: ClusterSpec) => s.histories.some((h) => h.recordId === failed.recordId && Object.keys(h.failCounts).length > 0);
    const small = await shrinkSpec(spec, keepsFailure);
    expect(await keepsFailure(small)).toBe(true);
    expect(primitiveIds(small).length).toBeLessThan(primitiveIds(spec).length);
    expect(small.constraints).toEqual([]);
    expect(small.histories.map((h) => h.recordId)).toEqual([failed.recordId]);
    const known = new Set(primitiveIds(small));
    expect(small.histories.every((h) => known.has(h.primitive))).toBe(true);
  });
});
