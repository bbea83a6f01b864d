import { VigilError, formatLocation, type SourceLocation } from '../../daemon/util/errors.js';

/** A crm-syntax input that does not follow the grammar: names where and what was expected. */
export class CrmSyntaxError extends VigilError {
  override readonly code = 'CRM_SYNTAX';
  constructor(
    readonly detail: string,
    readonly location: SourceLocation,
    options?: { cause?: unknown },
  ) {
    super(`${formatLocation(location)}${detail}`, options);
  }
}

/** A well-formed configuration that refers to something missing or repeats an id. */
export class CrmReferenceError extends VigilError {
  override readonly code = 'CRM_REFERENCE';
  constructor(
    readonly detail: string,
    readonly location: SourceLocation,
    options?: { cause?: unknown },
  ) {
    super(`${formatLocation(location)}${detail}`, options);
  }
}
