import type { LrmOp } from '../cib/model.js';
import { operationDigest } from '../cib/op-digest.js';

/** Parameters Pacemaker itself gives fence devices: not in the agents' meta-data, so older controllers left them out of the secure digest. */
const FENCER_PARAMS = new Set(['provides', 'stonith-timeout', 'pcmk_action_limit', 'pcmk_delay_base', 'pcmk_delay_max', 'pcmk_host_argument', 'pcmk_host_check', 'pcmk_host_list', 'pcmk_host_map']);
const fencerParam = (name: string): boolean => FENCER_PARAMS.has(name) || /^pcmk_[^_]+_(action|timeout|retries)$/.test(name);

/** Controllers before feature set 3.16.0 hashed the secure digest from the instance parameters alone. */
const olderSecureDigest = (featureSet: string | undefined): boolean => {
  const [major, minor] = (featureSet ?? '0').split('.').map(Number);
  return major < 3 || (major === 3 && minor < 16);
};

/**
 * Whether a recorded operation differs from the current definition only in private parameters (those its
 * op-secure-params lists, such as passwords): sanitized CIBs mask their values, so crm_simulate compares the
 * secure digest, which leaves them out, and restarts nothing for them (Pacemaker's digest comparison).
 */
export function onlyPrivateParamsDiffer(params: Record<string, string>, op: LrmOp, fenceDevice: boolean): boolean {
  if (!op.secureDigest) return false;
  const secret = new Set((op.secureParams ?? '').split(/\s+/).filter(Boolean));
  const dropFencer = fenceDevice && olderSecureDigest(op.featureSet);
  const kept: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) if (!secret.has(k) && !(dropFencer && fencerParam(k))) kept[k] = v;
  return operationDigest(kept) === op.secureDigest;
}
