import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { element, writeXml, type XmlElement } from '../../daemon/cib/xml.js';
import { defaultOcfRoots } from '../../daemon/executor/executor.js';
import { isFailure, lrmResource, operationRecords, pendingRecord, transitionKey } from '../../daemon/executor/history.js';
import { OpStatus, type OperationRequest } from '../../daemon/executor/operation.js';
import { agentSandbox, type AgentSandbox } from './executor-fixture.js';

const DUMMY = { class: 'ocf', provider: 'vigil', type: 'Dummy' };

/** A two-node CIB whose configuration has d1 with a 10 s monitor, and whose node1 (node2) status holds `records` (`records2`). */
function cib(records: XmlElement[], records2: XmlElement[] = []): string {
  const nvpair = element('nvpair', { id: 'o1', name: 'stonith-enabled', value: 'false' });
  const node = (id: string, uname: string) => element('node', { id, uname });
  const state = (id: string, uname: string, lrm: XmlElement[]) =>
    element('node_state', { id, uname, in_ccm: 'true', crmd: 'online', join: 'member', expected: 'member' }, lrm);
  const doc = element('cib', { crm_feature_set: '3.16.2', 'validate-with': 'pacemaker-3.9', epoch: '1', num_updates: '0', admin_epoch: '0', 'have-quorum': '1', 'dc-uuid': '1' }, [
    element('configuration', {}, [
      element('crm_config', {}, [element('cluster_property_set', { id: 'opts' }, [nvpair])]),
      element('nodes', {}, [node('1', 'node1'), node('2', 'node2')]),
      element('resources', {}, [
        element('primitive', { id: 'd1', ...DUMMY }, [
          element('meta_attributes', { id: 'd1-meta' }, [element('nvpair', { id: 'd1-am', name: 'allow-migrate', value: 'true' })]),
          element('instance_attributes', { id: 'd1-ia' }, [element('nvpair', { id: 'd1-fake', name: 'fake', value: 'abc' })]),
          element('operations', {}, [element('op', { id: 'd1-mon', name: 'monitor', interval: '10s', timeout: '20s' })]),
        ]),
      ]),
      element('constraints'),
    ]),
    element('status', {}, [
      state('1', 'node1', [element('lrm', { id: '1' }, [element('lrm_resources', {}, [lrmResource('d1', DUMMY, records)])])]),
      state('2', 'node2', records2.length ? [element('lrm', { id: '2' }, [element('lrm_resources', {}, [lrmResource('d1', DUMMY, records2)])])] : []),
    ]),
  ]);
  return writeXml(doc);
}

describe('executor history: lrm_rsc_op records Pacemaker reads', () => {
  let sb: AgentSandbox;
  const ctx = (action: number, rc = 0) => ({ node: 'node1', transitionKey: transitionKey(action, 1, rc, '6f3a1c52-0000-4000-8000-000000000001') });
  const req = (operation: string, intervalMs = 0): OperationRequest => ({
    resource: 'd1',
    agent: DUMMY,
    operation,
    intervalMs,
    timeoutMs: 20_000,
    params: { fake: 'abc', state: join(sb.dir, 'd1.state') },
    meta: {},
  });
  // Pacemaker's digest covers the configured parameters only; the test's state parameter is not configured.
  const configured = (r: OperationRequest): OperationRequest => ({ ...r, params: { fake: 'abc' } });
  /** crm_simulate's output, plus the operation keys of the transition graph it would execute. */
  const schedule = (records: XmlElement[], records2: XmlElement[] = []) => {
    const file = join(sb.dir, `cib-${Math.random().toString(36).slice(2)}.xml`);
    const graph = `${file}.graph`;
    writeFileSync(file, cib(records, records2));
    const out = execFileSync('crm_simulate', ['-x', file, '-R', '-G', graph], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const actions = [...readFileSync(graph, 'utf8').matchAll(/<rsc_op [^>]*operation_key="([^"]+)"[^>]*on_node="([^"]+)"/g)].map((m) => `${m[1]}@${m[2]}`);
    return { out, actions };
  };
  const simulate = (records: XmlElement[]) => schedule(records).out;

  beforeAll(async () => {
    sb = await agentSandbox({}, [defaultOcfRoots()[0]]);
  });
  afterAll(() => sb.cleanup());

  it('a real start and recurring monitor recorded by vigil satisfy crm_simulate: started, nothing to do', async () => {
    const start = await sb.executor.run(req('start'));
    const monitor = await sb.executor.run(req('monitor', 10_000));
    const records = [...operationRecords(configured(req('start')), start, ctx(3)), ...operationRecords(configured(req('monitor', 10_000)), monitor, ctx(4))];
    expect(records.map((r) => r.attrs.id)).toEqual(['d1_last_0', 'd1_monitor_10000']);
    expect(records[0].attrs).toMatchObject({ operation_key: 'd1_start_0', 'call-id': String(start.callId), 'rc-code': '0', 'op-status': '0', on_node: 'node1' });
    expect(records[1].attrs['transition-magic']).toBe('0:0;4:1:0:6f3a1c52-0000-4000-8000-000000000001');
    const { out, actions } = schedule(records);
    expect(out).toMatch(/d1\s+\(ocf:vigil:Dummy\):\s+Started node1/);
    // A wrong digest would schedule a restart; an unrecognised monitor record would schedule the monitor again.
    expect(out).not.toMatch(/\* (Restart|Recover|Start|Move)/);
    expect(actions).toEqual(['d1_monitor_0@node2']); // only the probe of the node without history
  });

  it('a failed monitor gets a last_failure record, and crm_simulate schedules recovery', async () => {
    const failed = { rc: 1, status: OpStatus.Done, output: '', startedAt: Date.now(), durationMs: 12, callId: 9, exitReason: 'boom' };
    const start = { rc: 0, status: OpStatus.Done, output: '', startedAt: Date.now() - 5000, durationMs: 3, callId: 8 };
    const records = [...operationRecords(configured(req('start')), start, ctx(3)), ...operationRecords(configured(req('monitor', 10_000)), failed, ctx(4))];
    expect(records.map((r) => r.attrs.id)).toEqual(['d1_last_0', 'd1_monitor_10000', 'd1_last_failure_0']);
    expect(records[2].attrs).toMatchObject({ operation_key: 'd1_monitor_10000', 'exit-reason': 'boom', 'rc-code': '1' });
    expect(simulate(records)).toMatch(/\* Recover\s+d1\s+\(\s*node1\s*\)/);
  });

  it('migration records name both ends: crm_simulate keeps a half-done migration on its source instead of restarting it', () => {
    const ok = { rc: 0, status: OpStatus.Done, output: '', startedAt: Date.now() - 1000, durationMs: 5, callId: 3 };
    const meta = { migrate_source: 'node1', migrate_target: 'node2' };
    const [to] = operationRecords({ ...configured(req('migrate_to')), meta }, ok, ctx(5));
    expect(to.attrs).toMatchObject({ id: 'd1_last_0', operation_key: 'd1_migrate_to_0', migrate_source: 'node1', migrate_target: 'node2' });
    const [from] = operationRecords({ ...configured(req('migrate_from')), meta: {} }, ok, { ...ctx(6), node: 'node2' });
    expect(from.attrs).toMatchObject({ migrate_target: 'node2', on_node: 'node2' });
    // migrate_to done on node1, migrate_from not yet run on node2 (say the DC died in between).
    const { out, actions } = schedule([to]);
    expect(out).toMatch(/d1\s+\(ocf:vigil:Dummy\):\s+Started node1/);
    expect(actions).not.toContain('d1_start_0@node1');
  });

  it('a pending start is in flight: op-status -1, rc 193, call-id -1', () => {
    const pending = pendingRecord(configured(req('start')), ctx(3), 1_700_000_000_000);
    expect(pending.attrs).toMatchObject({ id: 'd1_last_0', operation_key: 'd1_start_0', 'op-status': '-1', 'rc-code': '193', 'call-id': '-1', 'last-rc-change': '1700000000' });
    expect(pending.attrs['transition-magic']).toBe('-1:193;3:1:0:6f3a1c52-0000-4000-8000-000000000001');
    // Pacemaker treats a pending start as an action in progress: it must not schedule another start.
    expect(simulate([pending])).not.toMatch(/\* Start\s+d1/);
  });

  it('keeps last-rc-change while the rc stays the same, moves it when the rc changes', () => {
    const at = (rc: number, ms: number) => ({ rc, status: OpStatus.Done, output: '', startedAt: ms, durationMs: 0 });
    const [first] = operationRecords(req('monitor', 10_000), at(0, 1_000_000), ctx(4));
    const [same] = operationRecords(req('monitor', 10_000), at(0, 2_000_000), ctx(4), first);
    const [changed] = operationRecords(req('monitor', 10_000), at(7, 3_000_000), ctx(4), same);
    expect([first, same, changed].map((r) => r.attrs['last-rc-change'])).toEqual(['1000', '1000', '3000']);
  });

  it('judges failures against the expected rc; probes finding any state are not failures', () => {
    const done = (rc: number) => ({ rc, status: OpStatus.Done });
    expect(isFailure(req('monitor'), done(7), 7)).toBe(false);
    expect(isFailure(req('monitor'), done(0), 7)).toBe(false);
    expect(isFailure(req('monitor'), done(1), 7)).toBe(true);
    expect(isFailure(req('stop'), done(0), 0)).toBe(false);
    expect(isFailure(req('start'), done(7), 0)).toBe(true);
    expect(isFailure(req('start'), { rc: 1, status: OpStatus.Timeout }, 0)).toBe(true);
  });
});
