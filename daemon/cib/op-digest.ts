import { createHash } from 'node:crypto';

const escapeAttr = (v: string) =>
  v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * Pacemaker's operation digest (op-digest in lrm_rsc_op): md5 over
 * `" <parameters a="v" .../>\n"` with instance attributes sorted by name.
 * Recurring operations also hash CRM_meta_timeout (in ms). The executor
 * records it with each result; the scheduler compares it with the current
 * definition to decide "restart due to resource definition change".
 */
export function operationDigest(params: Record<string, string>, recurringTimeoutMs?: number): string {
  const all: Record<string, string> = { ...params };
  if (recurringTimeoutMs !== undefined) all.CRM_meta_timeout = String(recurringTimeoutMs);
  const keys = Object.keys(all).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const body = keys.map((k) => ` ${k}="${escapeAttr(all[k])}"`).join('');
  return createHash('md5').update(` <parameters${body}/>\n`).digest('hex');
}
