import { writeFile } from 'node:fs/promises';
import { replaceFromFile } from './apply.js';
import { EXIT } from '../exit-codes.js';
import type { Level } from '../level.js';
import { UsageError } from '../options.js';

export const cibLevel: Level = {
  name: 'cib',
  summary: 'export and import the whole CIB (Pacemaker XML)',
  commands: {
    export: {
      summary: 'write the live CIB (configuration + status) to FILE or stdout; crm_simulate reads it',
      usage: 'export [FILE]',
      async run(session, args) {
        const xml = await session.api.getCib();
        if (args[0] !== undefined) await writeFile(args[0], xml);
        else session.out(xml);
        return EXIT.ok;
      },
    },
    import: {
      summary: "replace the configuration with FILE's (CIB XML or crm syntax); diff shown, atomic",
      usage: 'import FILE',
      async run(session, args) {
        if (args.length !== 1) throw new UsageError('import: expected FILE');
        return replaceFromFile(session, args[0], 'import');
      },
    },
  },
};
