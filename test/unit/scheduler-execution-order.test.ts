import { describe, expect, it } from 'vitest';
import { executionOrder } from '../../daemon/scheduler/transition-graph.js';
import type { Action } from '../../daemon/scheduler/transition.js';

const action = (id: number, after: number[]): Action => ({
  id, kind: 'pseudo', key: `a${id}`, operation: 'start', intervalMs: 0, timeoutMs: 20_000, params: {}, meta: {}, after,
});
const ids = (list: Action[]) => list.map((a) => a.id);

describe('executionOrder', () => {
  it('lists each action after its predecessors, the earliest created first among those ready', () => {
    // 0 and 3 are ready at once; 4 waits for 0; 1 waits for 4 (and twice for 3); 2 waits for 1 and 0.
    const actions = [action(0, []), action(1, [4, 3, 3]), action(2, [1, 0]), action(3, []), action(4, [0])];
    expect(ids(executionOrder(actions))).toEqual([0, 3, 4, 1, 2]);
  });

  it('follows ids, not list positions, and still lists actions in a cycle or waiting for an unknown one (at the end)', () => {
    const actions = [action(7, [5]), action(5, []), action(9, [8]), action(8, [9]), action(6, [42])];
    expect(ids(executionOrder(actions))).toEqual([5, 7, 9, 8, 6]);
  });
});
