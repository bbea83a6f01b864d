import { VigilError, formatLocation, type SourceLocation } from '../util/errors.js';

/** An element of the CIB has an invalid value or shape; names the element and what is wrong. */
export class CibValidationError extends VigilError {
  override readonly code: string = 'CIB_INVALID';
  constructor(
    /** `element id="x"` style description of the offending element */
    readonly where: string,
    readonly detail: string,
    readonly location?: SourceLocation,
    options?: { cause?: unknown },
  ) {
    super(`${formatLocation(location)}${where}: ${detail}`, options);
  }
}

/** An element refers to something (resource, node, rule, template) the CIB does not define. */
export class CibReferenceError extends CibValidationError {
  override readonly code = 'CIB_UNKNOWN_REFERENCE';
}
