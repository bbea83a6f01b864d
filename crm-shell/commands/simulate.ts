import type { CommandRun } from '../command.js';

// Placeholder until the scheduler lands: keeps the dispatcher compiling.
export const run: CommandRun = async (_args, io) => {
  io.stderr.write('vigil simulate: the scheduler is not built yet\n');
  return 1;
};
