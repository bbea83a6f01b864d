import { setFlagsFromString } from 'node:v8';

/**
 * Tunes V8 for a command that runs once over data it sees once (`vigil
 * simulate` makes one pass per phase over a CIB of thousands of resources).
 * Left to inline freely, V8's optimizing compiler then spends more CPU on
 * that code than it saves, on the same few cores the command runs on: capping
 * how much it inlines into one function cut the CPU of `vigil simulate` at 32
 * nodes / 2000 VMs by about a fifth on Node 20, and by a tenth on Node 24
 * (without the cap: 1.13 times the CPU and 1.10 times the wall time, medians
 * of 20 paired runs). Called before the command's modules load; the daemon,
 * which schedules again and again, keeps V8's defaults.
 */
export function tuneV8ForOneShot(): void {
  setFlagsFromString('--max-inlined-bytecode-size-cumulative=100');
}
