import { describe, expect, it } from 'vitest';
import { TransitionRun } from '../../daemon/controller/transition-run.js';
import type { Action } from '../../daemon/scheduler/transition.js';

const action = (id: number, after: number[] = []): Action => ({
  id,
  kind: 'resource',
  key: `r${id}_start_0`,
  operation: 'start',
  resource: `r${id}`,
  node: 'n1',
  intervalMs: 0,
  timeoutMs: 20_000,
  params: {},
  meta: {},
  after,
});

describe('TransitionRun', () => {
  it('releases an action only when everything it comes after is done', () => {
    const run = new TransitionRun(1, { actions: [action(0), action(1, [0]), action(2, [0, 1])], summary: [] });
    expect(run.ready().map((a) => a.id)).toEqual([0]);
    run.markDispatched(0);
    expect(run.ready()).toEqual([]);
    run.complete(0, true);
    expect(run.ready().map((a) => a.id)).toEqual([1]);
    run.markDispatched(1);
    run.complete(1, true);
    run.markDispatched(2);
    expect(run.finished).toBe(false);
    run.complete(2, true);
    expect(run.finished).toBe(true);
  });

  it('on a failure dispatches nothing more and finishes once in-flight actions are back', () => {
    const run = new TransitionRun(2, { actions: [action(0), action(1), action(2, [0])], summary: [] });
    run.markDispatched(0);
    run.markDispatched(1);
    run.complete(1, false, 'rc 1');
    expect(run.aborted).toBe('rc 1');
    expect(run.ready()).toEqual([]);
    expect(run.finished).toBe(false);
    expect(run.inFlight().map((a) => a.id)).toEqual([0]);
    run.complete(0, true);
    expect(run.finished).toBe(true);
  });

  it('after an abort still completes a migration whose migrate_to succeeded, and nothing else', () => {
    const op = (a: Action, operation: string, node: string): Action => ({ ...a, key: `m1_${operation}_0`, operation, resource: 'm1', node });
    const migrateTo = op(action(0), 'migrate_to', 'n1');
    const migrateFrom = op(action(1, [0]), 'migrate_from', 'n2');
    const stop = op(action(2, [1]), 'stop', 'n1');
    const other = action(3, [0]);
    const run = new TransitionRun(4, { actions: [migrateTo, migrateFrom, stop, other], summary: [] });
    run.markDispatched(0);
    run.abort('node online');
    expect(run.finished).toBe(false);
    run.complete(0, true);
    expect(run.ready().map((a) => a.id)).toEqual([1]);
    expect(run.finished).toBe(false);
    run.markDispatched(1);
    run.complete(1, true);
    expect(run.ready()).toEqual([]);
    expect(run.finished).toBe(true);
  });

  it('after an abort does not start a migrate_from whose migrate_to failed', () => {
    const migrateTo: Action = { ...action(0), key: 'm1_migrate_to_0', operation: 'migrate_to', resource: 'm1' };
    const migrateFrom: Action = { ...action(1, [0]), key: 'm1_migrate_from_0', operation: 'migrate_from', resource: 'm1', node: 'n2' };
    const run = new TransitionRun(5, { actions: [migrateTo, migrateFrom], summary: [] });
    run.markDispatched(0);
    run.complete(0, false, 'rc 1');
    expect(run.ready()).toEqual([]);
    expect(run.finished).toBe(true);
  });

  it('starts a clone instance only after every probe of that clone, whatever edges the graph has', () => {
    const probe = (id: number, resource: string, node: string): Action => ({ ...action(id), key: `${resource}_monitor_0`, operation: 'monitor', resource, node, probe: true });
    const start = (id: number, resource: string, node: string, after: number[] = []): Action => ({ ...action(id, after), key: `${resource}_start_0`, resource, node });
    // as the scheduler once emitted it: d:1's start on n2 not ordered after the probe on n2
    const run = new TransitionRun(6, { actions: [probe(0, 'd:0', 'n1'), probe(1, 'd:0', 'n2'), start(2, 'd:0', 'n1', [0, 1]), start(3, 'd:1', 'n2'), start(4, 'other', 'n1')], summary: [] });
    expect(run.ready().map((a) => a.id)).toEqual([0, 1, 4]);
    run.markDispatched(0);
    run.markDispatched(1);
    run.markDispatched(4);
    run.complete(0, true);
    expect(run.ready()).toEqual([]);
    run.complete(1, true);
    expect(run.ready().map((a) => a.id)).toEqual([2, 3]);
  });

  it('reports activating actions the graph does not order after every probe of their resource (directly or through others)', () => {
    const probe = (id: number, resource: string, node: string): Action => ({ ...action(id), key: `${resource}_monitor_0`, operation: 'monitor', resource, node, probe: true });
    const start = (id: number, resource: string, node: string, after: number[] = []): Action => ({ ...action(id, after), key: `${resource}_start_0`, resource, node });
    const pseudo = (id: number, after: number[]): Action => ({ ...action(id, after), kind: 'pseudo', key: 'd-clone_start_0', resource: 'd-clone', node: undefined });
    const run = new TransitionRun(7, {
      actions: [probe(0, 'd:0', 'n1'), probe(1, 'd:0', 'n2'), pseudo(2, [0, 1]), start(3, 'd:0', 'n1', [2]), start(4, 'd:1', 'n2', [0]), probe(5, 'e', 'n1'), start(6, 'e', 'n2', [5])],
      summary: [],
    });
    // d:0 waits for both probes through the clone's start pseudo action, e for its only probe: fine.
    // d:1 waits for n1's probe only: the probe on n2 is missing.
    expect(run.missingProbeEdges.map((m) => [m.action.id, m.probes.map((p) => p.id)])).toEqual([[4, [1]]]);
    // and it is held anyway
    run.markDispatched(0);
    run.complete(0, true);
    expect(run.ready().map((a) => a.id)).not.toContain(4);
  });

  it('keeps the first abort reason', () => {
    const run = new TransitionRun(3, { actions: [action(0)], summary: [] });
    run.abort('configuration changed');
    run.abort('status changed');
    expect(run.aborted).toBe('configuration changed');
    expect(run.finished).toBe(true);
  });
});
