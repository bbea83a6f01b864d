import { ParameterInvalidError, ParameterMissingError } from './agent-errors.js';

export type ParameterType = 'string' | 'integer' | 'boolean';

/** One instance parameter (OCF_RESKEY_<name>) as declared in meta-data and checked on every action. */
export interface ParameterSpec {
  name: string;
  type: ParameterType;
  shortdesc: string;
  longdesc: string;
  required?: boolean;
  /** Must differ between resources of this agent (meta-data `unique`). */
  unique?: boolean;
  default?: string;
  /** Extra check of a present value; returns what was expected, or undefined when the value is fine. */
  check?: (value: string) => string | undefined;
}

export type Parameters = Record<string, string>;

const BOOLEAN_TRUE = ['1', 'true', 'yes', 'on', 'y'];
const BOOLEAN_FALSE = ['0', 'false', 'no', 'off', 'n'];

/** Reads and validates the agent's parameters from the environment; defaults fill absent optional ones. */
export function readParameters(specs: ParameterSpec[], env: NodeJS.ProcessEnv): Parameters {
  const params: Parameters = {};
  for (const spec of specs) {
    const raw = env[`OCF_RESKEY_${spec.name}`];
    const value = raw === undefined || raw === '' ? spec.default : raw;
    if (value === undefined) {
      if (spec.required) throw new ParameterMissingError(spec.name);
      continue;
    }
    if (spec.type === 'integer' && !/^-?\d+$/.test(value)) throw new ParameterInvalidError(spec.name, value, 'an integer');
    if (spec.type === 'boolean' && ![...BOOLEAN_TRUE, ...BOOLEAN_FALSE].includes(value.toLowerCase())) {
      throw new ParameterInvalidError(spec.name, value, 'a boolean (true/false, yes/no, 1/0)');
    }
    const expected = spec.check?.(value);
    if (expected !== undefined) throw new ParameterInvalidError(spec.name, value, expected);
    params[spec.name] = value;
  }
  return params;
}

export const isTrue = (value: string | undefined): boolean => value !== undefined && BOOLEAN_TRUE.includes(value.toLowerCase());

/** Checks for ParameterSpec.check: integer ranges. */
export const atLeast =
  (min: number) =>
  (value: string): string | undefined =>
    Number(value) >= min ? undefined : `an integer >= ${min}`;
