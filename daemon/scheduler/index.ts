export { schedule, scheduleWithStatus, computeWorkingSet, type ScheduleOptions } from './schedule.js';
export { describeCluster, formatClusterStatus, type ClusterDescription } from './cluster-status.js';
export { executionOrder } from './transition-graph.js';
export type { Transition, Action, ActionKind, AgentRef } from './transition.js';
