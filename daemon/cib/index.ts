export * from './model.js';
export { parseCib } from './parse.js';
export { writeCib } from './write.js';
export { CibValidationError, CibReferenceError } from './errors.js';
export { INFINITY, parseScore, addScores, formatScore } from './score.js';
export { parseInterval } from './duration.js';
export { evaluateRule, resolveAttributes, parseIsoDate, parseNow, type RuleContext } from './rules.js';
