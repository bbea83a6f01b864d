import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCib } from '../../daemon/cib/index.js';
import { schedule } from '../../daemon/scheduler/index.js';
import { executionOrder } from '../../daemon/scheduler/transition-graph.js';
import type { Action, Transition } from '../../daemon/scheduler/transition.js';
import { operationRecords, recordId } from '../../daemon/executor/history.js';
import { OpStatus } from '../../daemon/executor/operation.js';
import { agentSandbox, type AgentSandbox } from './executor-fixture.js';

/**
 * A promotable clone with notify=true, d:0 Unpromoted on n1, n2 preferred for
 * promotion (master-d=10): d:0 moves to n2 and is promoted there, d:1 starts
 * on n1. Every expectation below on notify actions, their orderings and their
 * notify_* meta attributes is what crm_simulate 2.1.5 puts in its graph for
 * this CIB (crm_simulate -S -x cib.xml -G graph.xml).
 */
const cibXml = (notify: string) => `<cib crm_feature_set="3.16.2" validate-with="pacemaker-3.7" epoch="1" num_updates="0" admin_epoch="0" have-quorum="1" dc-uuid="1">
  <configuration>
    <crm_config><cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
    <nodes><node id="1" uname="n1"/><node id="2" uname="n2"/><node id="3" uname="n3"/></nodes>
    <resources>
      <clone id="c"><meta_attributes id="c-m"><nvpair id="c-m0" name="promotable" value="true"/><nvpair id="c-m1" name="notify" value="${notify}"/><nvpair id="c-m2" name="clone-max" value="2"/></meta_attributes>
        <primitive id="d" class="ocf" provider="pacemaker" type="Stateful"><operations><op id="d-mon" name="monitor" interval="10s" role="Unpromoted"/><op id="d-mon-p" name="monitor" interval="11s" role="Promoted"/></operations></primitive>
      </clone>
    </resources>
    <constraints/>
  </configuration>
  <status>
    <node_state id="1" uname="n1" in_ccm="true" crmd="online" join="member" expected="member"><lrm id="1"><lrm_resources>
      <lrm_resource id="d" class="ocf" provider="pacemaker" type="Stateful"><lrm_rsc_op id="d_last_0" operation_key="d_start_0" operation="start" crm-debug-origin="x" crm_feature_set="3.16.2" transition-key="1:1:0:x" transition-magic="0:0;1:1:0:x" call-id="3" rc-code="0" op-status="0" interval="0" on_node="n1" op-digest="f2317cad3d54cec5d7d7aa7d0bf35cf8"/></lrm_resource>
    </lrm_resources></lrm></node_state>
    <node_state id="2" uname="n2" in_ccm="true" crmd="online" join="member" expected="member"><transient_attributes id="2"><instance_attributes id="s2"><nvpair id="s2a" name="master-d" value="10"/></instance_attributes></transient_attributes><lrm id="2"><lrm_resources>
      <lrm_resource id="d" class="ocf" provider="pacemaker" type="Stateful"><lrm_rsc_op id="d_last_0" operation_key="d_monitor_0" operation="monitor" crm-debug-origin="x" crm_feature_set="3.16.2" transition-key="1:1:7:x" transition-magic="0:7;1:1:7:x" call-id="1" rc-code="7" op-status="0" interval="0" on_node="n2" op-digest="f2317cad3d54cec5d7d7aa7d0bf35cf8"/></lrm_resource>
    </lrm_resources></lrm></node_state>
    <node_state id="3" uname="n3" in_ccm="true" crmd="online" join="member" expected="member"/>
  </status>
</cib>`;

const transition = (notify = 'true'): Transition => schedule(parseCib(cibXml(notify), 'notify.xml'), { now: new Date('2026-01-01T00:00:00Z') });
const named = (a: Action) => `${a.key}@${a.node ?? ''}`;

/** Whether `first` comes before `then` through the graph's edges. */
function precedes(t: Transition, first: string, then: string): boolean {
  const byId = new Map(t.actions.map((a) => [a.id, a]));
  const target = t.actions.find((a) => named(a) === then)!;
  const seen = new Set<number>();
  const walk = (a: Action): boolean => a.after.some((id) => {
    if (seen.has(id)) return false;
    seen.add(id);
    const b = byId.get(id)!;
    return named(b) === first || walk(b);
  });
  return walk(target);
}

describe('clone notifications (scheduler)', () => {
  it('gives each instance concerned a pre and post notify per task, as crm_simulate does', () => {
    const t = transition();
    expect(t.summary.map((l) => l.replace(/\s+/g, ' '))).toEqual(['* Move d:0 ( Unpromoted n1 -> Promoted n2 )', '* Start d:1 ( n1 )']);
    const notifies = t.actions.filter((a) => a.operation === 'notify' && a.kind === 'resource').map(named).sort();
    expect(notifies).toEqual([
      'd:0_post_notify_promote_0@n2',
      'd:0_post_notify_start_0@n2',
      'd:0_pre_notify_promote_0@n2',
      'd:0_pre_notify_stop_0@n1',
      'd:1_post_notify_promote_0@n1',
      'd:1_post_notify_start_0@n1',
      'd:1_pre_notify_promote_0@n1',
    ]);
    const pseudo = t.actions.filter((a) => a.kind === 'pseudo' && /notif/.test(a.operation)).map((a) => a.key).sort();
    expect(pseudo).toEqual([
      'c_confirmed-post_notify_promoted_0', 'c_confirmed-post_notify_running_0', 'c_confirmed-post_notify_stopped_0',
      'c_confirmed-pre_notify_promote_0', 'c_confirmed-pre_notify_start_0', 'c_confirmed-pre_notify_stop_0',
      'c_post_notify_promoted_0', 'c_post_notify_running_0', 'c_post_notify_stopped_0',
      'c_pre_notify_promote_0', 'c_pre_notify_start_0', 'c_pre_notify_stop_0',
    ]);
  });

  it('orders notifications around the actions they announce', () => {
    const t = transition();
    expect(precedes(t, 'd:0_pre_notify_stop_0@n1', 'd:0_stop_0@n1')).toBe(true);
    expect(precedes(t, 'c_confirmed-post_notify_stopped_0@', 'd:1_start_0@n1')).toBe(true);
    expect(precedes(t, 'd:1_start_0@n1', 'd:0_post_notify_start_0@n2')).toBe(true);
    expect(precedes(t, 'd:0_post_notify_start_0@n2', 'd:0_promote_0@n2')).toBe(true);
    expect(precedes(t, 'd:1_pre_notify_promote_0@n1', 'd:0_promote_0@n2')).toBe(true);
    expect(precedes(t, 'd:0_promote_0@n2', 'd:1_post_notify_promote_0@n1')).toBe(true);
    // recurring monitors wait for every post notification
    expect(precedes(t, 'd:1_post_notify_promote_0@n1', 'd:1_monitor_10000@n1')).toBe(true);
    expect(precedes(t, 'd:0_post_notify_promote_0@n2', 'd:0_monitor_11000@n2')).toBe(true);
    // and the graph has an execution order (no cycle): every action listed once
    expect(executionOrder(t.actions)).toHaveLength(t.actions.length);
  });

  it('passes who does what where as notify_* meta attributes', () => {
    const a = transition().actions.find((x) => named(x) === 'd:1_pre_notify_promote_0@n1')!;
    expect(a.meta).toMatchObject({
      notify_type: 'pre', notify_operation: 'promote', notify_key_type: 'pre', notify_key_operation: 'promote',
      notify_active_resource: 'd:0', notify_active_uname: 'n1', notify_inactive_resource: 'd:1',
      notify_start_resource: 'd:0 d:1', notify_start_uname: 'n2 n1',
      notify_stop_resource: 'd:0', notify_stop_uname: 'n1',
      notify_promote_resource: 'd:0', notify_promote_uname: 'n2',
      notify_demote_resource: ' ', notify_demote_uname: ' ',
      notify_promoted_resource: ' ', notify_master_resource: ' ',
      notify_unpromoted_resource: 'd:0', notify_unpromoted_uname: 'n1', notify_slave_resource: 'd:0', notify_slave_uname: 'n1',
      notify_all_uname: 'n1 n2 n3', notify_available_uname: 'n1 n2 n3',
    });
    const start = transition().actions.find((x) => named(x) === 'd:1_start_0@n1')!;
    expect(start.meta.notify_start_resource).toBe('d:0 d:1');
  });

  it('has no notifications when the clone does not ask for them', () => {
    const t = transition('false');
    expect(t.actions.filter((a) => a.operation === 'notify' || a.operation === 'notified')).toEqual([]);
    expect(t.actions.find((x) => named(x) === 'd:1_start_0@n1')!.meta.notify_start_resource).toBeUndefined();
  });
});

describe('clone notifications (runtime)', () => {
  let sb: AgentSandbox;
  beforeEach(async () => {
    sb = await agentSandbox();
    sb.addAgent('NotifyDump', `env > "$OCF_RESKEY_out.$1"; exit 0`);
  });
  afterEach(() => sb.cleanup());

  it("runs the scheduler's notify action on the agent with the OCF_RESKEY_CRM_meta_notify_* variables", async () => {
    const a = transition().actions.find((x) => named(x) === 'd:1_pre_notify_promote_0@n1')!;
    const out = join(sb.dir, 'env');
    const result = await sb.executor.run(sb.request(a.resource!, 'NotifyDump', a.operation, { timeoutMs: a.timeoutMs, params: { out }, meta: a.meta }));
    expect(result.rc).toBe(0);
    const env = Object.fromEntries(readFileSync(`${out}.notify`, 'utf8').split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    expect(env).toMatchObject({
      OCF_RESOURCE_INSTANCE: 'd:1',
      OCF_RESKEY_CRM_meta_notify_type: 'pre',
      OCF_RESKEY_CRM_meta_notify_operation: 'promote',
      OCF_RESKEY_CRM_meta_notify_promote_resource: 'd:0',
      OCF_RESKEY_CRM_meta_notify_promote_uname: 'n2',
      OCF_RESKEY_CRM_meta_notify_start_uname: 'n2 n1',
      OCF_RESKEY_CRM_meta_notify_unpromoted_resource: 'd:0',
      OCF_RESKEY_CRM_meta_notify_demote_resource: ' ',
      OCF_RESKEY_CRM_meta_clone: '1',
      OCF_RESKEY_CRM_meta_notify: 'true',
    });
  });

  it('records a notification apart from the history and never as a failure of the resource', () => {
    const req = sb.request('d:1', 'NotifyDump', 'notify', { meta: { notify_type: 'pre' } });
    expect(recordId(req)).toBe('d:1_notify_0');
    const failed = operationRecords(req, { rc: 1, status: OpStatus.Done, output: '', startedAt: 0, durationMs: 5 }, { node: 'n1', transitionKey: '3:1:0:x' });
    expect(failed.map((r) => r.attrs.id)).toEqual(['d:1_notify_0']);
    const start = operationRecords({ ...req, operation: 'start' }, { rc: 1, status: OpStatus.Done, output: '', startedAt: 0, durationMs: 5 }, { node: 'n1', transitionKey: '3:1:0:x' });
    expect(start.map((r) => r.attrs.id)).toEqual(['d:1_last_0', 'd:1_last_failure_0']);
  });
});
