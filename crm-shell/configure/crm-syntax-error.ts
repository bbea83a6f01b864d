import { VigilError, formatLocation, type SourceLocation } from '../../daemon/util/errors.js';

/** A problem in crm-syntax input, located at file:line:column. */
abstract class CrmInputError extends VigilError {
  constructor(
    readonly detail: string,
    readonly location: SourceLocation,
    options?: { cause?: unknown },
  ) {
    super(`${formatLocation(location)}${detail}`, options);
  }
}

/** Input that does not follow the grammar: names where and what was expected. */
export class CrmSyntaxError extends CrmInputError {
  override readonly code = 'CRM_SYNTAX';
}

/** A well-formed configuration that refers to something missing or repeats an id. */
export class CrmReferenceError extends CrmInputError {
  override readonly code = 'CRM_REFERENCE';
}
