import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCibFile, readCibFileAsync } from '../../daemon/cib/cib-text.js';

describe('reading a CIB file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-cib-text-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['empty', ''],
    ['small ASCII', '<cib/>'],
    // Large enough to be read in pieces; multi-byte characters fall on the pieces' boundaries somewhere.
    ['large, with UTF-8', `<cib>${'<nvpair value="größe ✓"/>'.repeat(400_000)}</cib>`],
    ['large ASCII', `<cib>${'<nvpair id="a" value="1"/>'.repeat(400_000)}</cib>`],
  ])('%s: reads off the main thread what a plain read gives', async (what, text) => {
    const file = join(dir, `${what.replace(/\W/g, '-')}.xml`);
    writeFileSync(file, text);
    // (the large ones are past the size read in pieces)
    if (what.startsWith('large')) expect(Buffer.byteLength(text)).toBeGreaterThan(4 << 20);
    const read = await readCibFileAsync(file);
    expect(read).toBe(readCibFile(file));
    expect(read).toBe(readFileSync(file, 'utf8'));
  });

  it('fails for a missing file or a directory as a plain read does', async () => {
    await expect(readCibFileAsync(join(dir, 'missing.xml'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(readCibFileAsync(dir)).rejects.toMatchObject({ code: 'EISDIR' });
  });
});
