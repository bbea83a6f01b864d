import { setFlagsFromString } from 'node:v8';

/**
 * Tunes V8 for a command that runs once over data it sees once (`vigil
 * simulate` makes one pass per phase over a CIB of thousands of resources).
 * Left to inline freely, V8's optimizing compiler then spends more CPU on
 * that code than it saves, on the same few cores the command runs on: capping
 * how much it inlines into one function cut the CPU of `vigil simulate` at 32
 * nodes / 2000 VMs by about a fifth (README, Measured). Called before the
 * command's modules load; the daemon, which schedules again and again, keeps
 * V8's defaults.
 */
export function tuneV8ForOneShot(): void {
  setFlagsFromString('--max-inlined-bytecode-size-cumulative=100');
}

/**
 * Tunes V8 for the scheduler's passes over a CIB just parsed (`vigil
 * simulate`). Each pass runs once over thousands of resources: a function V8
 * optimizes as soon as it is warm (Node 20's V8 after 66 KB of bytecode run)
 * mostly gets its optimized code after the pass is over, compiled on a core
 * the pass needed. Optimizing after four times that much left the schedule
 * phase at 32 nodes / 2000 VMs about a tenth faster, and 64 / 5000 as it
 * was (the schedule phase's time as bench:scheduler-phases measures it,
 * compared over some 30 paired runs with and without this call). The parse keeps the default: its few hot loops want
 * optimizing early.
 */
export function tuneV8ForScheduling(): void {
  setFlagsFromString('--interrupt-budget=270336');
}
