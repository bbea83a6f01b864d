import { parseIsoDate } from '../../daemon/cib/rules.js';
import type { Token } from './lexer.js';
import type { TokenStream } from './token-stream.js';
import { isBoolean, isTime, normalizeScore, ROLES, type NameValue } from './values.js';

/** What a known attribute accepts; a string array is an enumeration. */
type Check = 'boolean' | 'score' | 'count' | 'time' | readonly string[];

const BOOL = 'boolean';
const REQUIRES = ['nothing', 'quorum', 'fencing', 'unfencing'];

/** Resource meta attributes (Pacemaker Explained, "Resource Meta-Attributes" and clone options). */
const RESOURCE_META: Record<string, Check> = {
  'target-role': ROLES, 'is-managed': BOOL, maintenance: BOOL, 'allow-migrate': BOOL, notify: BOOL, interleave: BOOL,
  'globally-unique': BOOL, ordered: BOOL, promotable: BOOL, critical: BOOL, 'migration-threshold': 'score',
  'resource-stickiness': 'score', priority: 'score', 'failure-timeout': 'time', 'clone-max': 'count', 'clone-node-max': 'count',
  'clone-min': 'count', 'promoted-max': 'count', 'promoted-node-max': 'count', 'master-max': 'count', 'master-node-max': 'count',
  'multiple-active': ['block', 'stop_only', 'stop_start', 'stop_unexpected'], requires: REQUIRES,
};

/** Cluster options (crm_config). */
const PROPERTIES: Record<string, Check> = {
  'stonith-enabled': BOOL, 'symmetric-cluster': BOOL, 'maintenance-mode': BOOL, 'start-failure-is-fatal': BOOL,
  'stop-orphan-resources': BOOL, 'stop-orphan-actions': BOOL, 'enable-startup-probes': BOOL, 'startup-fencing': BOOL,
  'concurrent-fencing': BOOL, 'stop-all-resources': BOOL,
  'no-quorum-policy': ['stop', 'freeze', 'ignore', 'demote', 'suicide'],
  'placement-strategy': ['default', 'utilization', 'minimal', 'balanced'],
  'node-health-strategy': ['none', 'migrate-on-red', 'only-green', 'progressive', 'custom'],
  'cluster-recheck-interval': 'time', 'stonith-timeout': 'time', 'dc-deadtime': 'time', 'shutdown-escalation': 'time',
  'batch-limit': 'count', 'migration-limit': 'score', 'stonith-action': ['reboot', 'off', 'poweroff'],
};

/** Operation attributes and op_defaults. */
const OPERATION: Record<string, Check> = {
  'on-fail': ['ignore', 'block', 'stop', 'restart', 'standby', 'fence', 'demote'], requires: REQUIRES,
  timeout: 'time', interval: 'time', 'start-delay': 'time', enabled: BOOL, 'record-pending': BOOL, role: ROLES,
};

export const ATTRIBUTE_SCOPES = { meta: RESOURCE_META, property: PROPERTIES, operation: OPERATION, rsc_defaults: RESOURCE_META, op_defaults: OPERATION };

function accepts(check: Check, value: string): boolean {
  if (Array.isArray(check)) return check.some((c) => c.toLowerCase() === value.toLowerCase());
  if (check === 'boolean') return isBoolean(value);
  if (check === 'score') return normalizeScore(value) !== undefined;
  if (check === 'count') return /^\d+$/.test(value);
  return isTime(value);
}

function expected(check: Check): string {
  if (Array.isArray(check)) return `one of ${check.join(', ')}`;
  return { boolean: 'true or false', score: 'an integer or INFINITY', count: 'a whole number', time: 'a time such as 10s, 2min or PT1H' }[check as string]!;
}

/** Rejects a known attribute with a value Pacemaker would not accept; unknown names pass (agents and newer options). */
export function checkValue(ts: TokenStream, scope: keyof typeof ATTRIBUTE_SCOPES, name: string, value: string, token: Token): void {
  const check = ATTRIBUTE_SCOPES[scope][name];
  if (check !== undefined && !accepts(check, value)) throw ts.error(token, `invalid ${name} '${value}': expected ${expected(check)}`);
}

export function checkValues(ts: TokenStream, scope: keyof typeof ATTRIBUTE_SCOPES, pairs: NameValue[]): void {
  for (const nv of pairs) checkValue(ts, scope, nv.name, nv.value, nv.token);
}

export function checkDate(ts: TokenStream, token: Token, value: string): void {
  if (parseIsoDate(value) === undefined) throw ts.error(token, `invalid date '${value}': expected ISO 8601, e.g. 2030-01-31 or "2030-01-31 12:00:00"`);
}
