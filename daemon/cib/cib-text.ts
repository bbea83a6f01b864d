import { readFileSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { isAscii } from 'node:buffer';

/**
 * CIB bytes as text. Generated and real CIBs are almost always plain ASCII:
 * then latin1 decoding is a byte copy, about half the cost of UTF-8 decoding
 * (which has to validate every byte) and gives the same string.
 */
export function decodeCibText(bytes: Buffer): string {
  return isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
}

export function readCibFile(path: string): string {
  return decodeCibText(readFileSync(path));
}

/**
 * Reads a CIB file on libuv's thread pool, in one read of the file's size
 * (not the 512 KiB steps of fs.promises.readFile, each waiting for the main
 * thread), so that a caller can load code meanwhile: a large CIB takes about
 * as long to read as the scheduler's modules take to load.
 */
export async function readCibFileAsync(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const stat = await handle.stat();
    // Pipes and other special files have no size to read up to.
    if (!stat.isFile()) return decodeCibText(await readFile(handle));
    const bytes = Buffer.allocUnsafeSlow(stat.size);
    let done = 0;
    while (done < bytes.length) {
      const { bytesRead } = await handle.read(bytes, done, bytes.length - done, done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return decodeCibText(bytes.subarray(0, done));
  } finally {
    await handle.close();
  }
}
