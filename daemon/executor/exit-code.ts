import { OcfRc, OpStatus } from './operation.js';

/** How an agent's exit is recorded. `garbage` marks exit codes outside the API (logged as such). */
export interface MappedExit {
  rc: number;
  status: OpStatus;
  garbage: boolean;
}

const OCF_CODES = new Set<number>([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, OcfRc.Degraded, OcfRc.DegradedPromoted]);

/**
 * OCF exit codes are recorded as they are, with op-status Done: whether an rc
 * is a failure depends on what the caller expected (7 from a probe is fine),
 * which is the scheduler's call, as in Pacemaker. Anything else — an exit code
 * outside the API or death by a signal — is a generic error.
 */
export function mapOcfExit(code: number | null, signal: NodeJS.Signals | null): MappedExit {
  if (code !== null && OCF_CODES.has(code)) return { rc: code, status: OpStatus.Done, garbage: false };
  return { rc: OcfRc.ErrGeneric, status: signal ? OpStatus.Error : OpStatus.Done, garbage: true };
}

/**
 * LSB init scripts: `status` answers 0 running, 1–3 stopped/dead, 4 unknown
 * (mapped to OCF's running/not-running/generic error); other actions succeed
 * with 0 and anything else is a generic error. 5 (not installed) and 6 (not
 * configured) mean the same as in OCF.
 */
export function mapLsbExit(action: string, code: number | null): MappedExit {
  if (code === null) return { rc: OcfRc.ErrGeneric, status: OpStatus.Error, garbage: true };
  if (action === 'status') {
    if (code === 0) return { rc: OcfRc.Success, status: OpStatus.Done, garbage: false };
    if (code >= 1 && code <= 3) return { rc: OcfRc.NotRunning, status: OpStatus.Done, garbage: false };
    return { rc: OcfRc.ErrGeneric, status: OpStatus.Done, garbage: code !== 4 };
  }
  if (code === 0 || code === 5 || code === 6) return { rc: code, status: OpStatus.Done, garbage: false };
  return { rc: OcfRc.ErrGeneric, status: OpStatus.Done, garbage: code > 7 };
}
