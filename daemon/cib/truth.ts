const TRUE = /^(true|on|yes|y|1)$/i;

/** Pacemaker's crm_is_true: "true", "on", "yes", "y" or "1" in any case; `dflt` when no value is given. */
export const isTrueValue = (v: string | undefined, dflt = false): boolean => (v === undefined ? dflt : TRUE.test(v));
