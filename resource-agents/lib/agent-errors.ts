import { VigilError } from '../../daemon/util/errors.js';
import { OcfRc } from '../../daemon/executor/operation.js';

/**
 * A failure an agent reports to the executor: the OCF exit code it maps to
 * travels with the error, so actions just throw and the dispatcher exits.
 */
export abstract class AgentError extends VigilError {
  abstract readonly rc: OcfRc;
}

/** A required instance parameter is missing (OCF_ERR_CONFIGURED). */
export class ParameterMissingError extends AgentError {
  override readonly code: string = 'AGENT_PARAM_MISSING';
  readonly rc = OcfRc.ErrConfigured;
  constructor(readonly parameter: string) {
    super(`required parameter '${parameter}' (OCF_RESKEY_${parameter}) is not set`);
  }
}

/** An instance parameter has a value of the wrong form (OCF_ERR_CONFIGURED). */
export class ParameterInvalidError extends AgentError {
  override readonly code: string = 'AGENT_PARAM_INVALID';
  readonly rc = OcfRc.ErrConfigured;
  constructor(
    readonly parameter: string,
    readonly value: string,
    expected: string,
    options?: { cause?: unknown },
  ) {
    super(`parameter '${parameter}'='${value}' is invalid: expected ${expected}`, options);
  }
}

/** Something the agent needs on this node is absent: a file, a binary (OCF_ERR_INSTALLED). */
export class NotInstalledError extends AgentError {
  override readonly code: string = 'AGENT_NOT_INSTALLED';
  readonly rc = OcfRc.ErrInstalled;
}

/** The action name is not one this agent implements (OCF_ERR_UNIMPLEMENTED). */
export class UnknownActionError extends AgentError {
  override readonly code: string = 'AGENT_UNKNOWN_ACTION';
  readonly rc = OcfRc.Unimplemented;
  constructor(readonly action: string) {
    super(`action '${action}' is not implemented`);
  }
}

/** The operation's time budget (OCF_RESKEY_CRM_meta_timeout) ran out (OCF_ERR_GENERIC). */
export class BudgetExhaustedError extends AgentError {
  override readonly code: string = 'AGENT_TIMEOUT';
  readonly rc = OcfRc.ErrGeneric;
}

/** The managed thing failed in a way that is not a configuration problem (OCF_ERR_GENERIC). */
export class ResourceFailedError extends AgentError {
  override readonly code: string = 'AGENT_RESOURCE_FAILED';
  readonly rc = OcfRc.ErrGeneric;
}
