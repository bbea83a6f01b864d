import { VigilError } from '../util/errors.js';

/** Self-fencing settings that cannot keep the safety promise (e.g. a watchdog slower than the lease). */
export class FencingConfigError extends VigilError {
  override readonly code = 'FENCING_CONFIG';
  constructor(
    readonly setting: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`fencing setting ${setting}: ${detail}`, options);
  }
}

/** The watchdog device could not be opened, petted or closed. */
export class WatchdogDeviceError extends VigilError {
  override readonly code = 'WATCHDOG_DEVICE';
  constructor(
    readonly device: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`watchdog ${device}: ${detail}`, options);
  }
}

/** The guard process could not be started or stopped cleanly. */
export class GuardProcessError extends VigilError {
  override readonly code = 'GUARD_PROCESS';
  constructor(detail: string, options?: { cause?: unknown }) {
    super(`guard process: ${detail}`, options);
  }
}
