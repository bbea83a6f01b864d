import * as crypto from 'node:crypto';

const escapeAttr = (v: string) =>
  /[&<>"]/.test(v) ? v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;') : v;

const TIMEOUT_KEY = 'CRM_meta_timeout';

/** One-shot crypto.hash (Node >= 20.12) is ~3x cheaper than a Hash object per digest; older 20.x fall back. */
const md5Hex: (text: string) => string =
  typeof crypto.hash === 'function' ? (text) => crypto.hash('md5', text) : (text) => crypto.createHash('md5').update(text).digest('hex');

/**
 * Pacemaker's operation digest (op-digest in lrm_rsc_op): md5 over
 * `" <parameters a="v" .../>\n"` with instance attributes sorted by name.
 * Recurring operations also hash CRM_meta_timeout (in ms). The executor
 * records it with each result; the scheduler compares it with the current
 * definition to decide "restart due to resource definition change".
 */
export function operationDigest(params: Record<string, string>, recurringTimeoutMs?: number): string {
  const keys = Object.keys(params);
  if (recurringTimeoutMs !== undefined && !Object.hasOwn(params, TIMEOUT_KEY)) keys.push(TIMEOUT_KEY);
  keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let body = ' <parameters';
  for (const k of keys) {
    const v = k === TIMEOUT_KEY && recurringTimeoutMs !== undefined ? String(recurringTimeoutMs) : params[k];
    body += ` ${k}="${escapeAttr(v)}"`;
  }
  return md5Hex(`${body}/>\n`);
}
