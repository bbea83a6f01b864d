import { VigilError } from '../util/errors.js';

/** An operation was submitted to an executor that is not started (or already stopped). */
export class ExecutorNotRunningError extends VigilError {
  override readonly code = 'EXECUTOR_NOT_RUNNING';
  constructor(
    readonly resource: string,
    readonly operation: string,
    options?: { cause?: unknown },
  ) {
    super(`executor is not running: cannot run ${operation} on resource ${resource}`, options);
  }
}

/** A request the executor cannot run as given (bad agent reference, bad interval, …). */
export class InvalidOperationRequestError extends VigilError {
  override readonly code = 'EXECUTOR_BAD_REQUEST';
  constructor(
    readonly resource: string,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`invalid operation request for resource ${resource}: ${detail}`, options);
  }
}

/** The executor's own settings are unusable (e.g. HA_RSCTMP cannot be created). */
export class ExecutorConfigError extends VigilError {
  override readonly code = 'EXECUTOR_CONFIG';
  constructor(
    readonly setting: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`executor setting ${setting}: ${detail}`, options);
  }
}

/** A resource's saved start parameters (HA_RSCTMP/start-params/<resource>.json) cannot be read, written or removed. */
export class StartParametersError extends VigilError {
  override readonly code = 'EXECUTOR_START_PARAMS';
  constructor(
    readonly file: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`start parameters file ${file}: ${detail}`, options);
  }
}
