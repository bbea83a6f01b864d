import { readFileSync } from 'node:fs';
import { open, readFile, type FileHandle } from 'node:fs/promises';
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

/** Below this size a CIB is read in one piece; above, in PIECES pieces at once (see readCibFileAsync). */
const PIECEMEAL_BYTES = 4 << 20;
/** libuv's thread pool has four threads unless UV_THREADPOOL_SIZE says otherwise */
const PIECES = 4;

/**
 * Reads a CIB file on libuv's thread pool, so that a caller can load code
 * meanwhile (`vigil simulate` starts the read before it loads the
 * scheduler, which then waits for the rest of it). A large file is read in
 * a few pieces at once (the copy from the page cache then uses more than
 * one core), each with reads of its whole length rather than
 * fs.promises.readFile's 512 KiB steps, each of which waits for the main
 * thread.
 */
export async function readCibFileAsync(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const stat = await handle.stat();
    // Pipes and other special files have no size to read up to.
    if (!stat.isFile()) return decodeCibText(await readFile(handle));
    const bytes = Buffer.allocUnsafeSlow(stat.size);
    const step = stat.size > PIECEMEAL_BYTES ? Math.ceil(stat.size / PIECES) : stat.size;
    const ends: number[] = [];
    for (let from = 0; from < stat.size; from += step) ends.push(Math.min(stat.size, from + step));
    const pieces = await Promise.all(ends.map((end, i) => readPiece(handle, bytes, i * step, end)));
    // A file that shrank while it was read: what its pieces still held, up to the first short one.
    const short = pieces.findIndex((got, i) => got < ends[i]);
    return decodeCibText(short < 0 ? bytes : bytes.subarray(0, pieces[short]));
  } finally {
    await handle.close();
  }
}

/** Reads bytes from..end of the file into the same place of `into`; returns where it stopped (end unless the file ended first). */
async function readPiece(handle: FileHandle, into: Buffer, from: number, end: number): Promise<number> {
  let at = from;
  while (at < end) {
    const { bytesRead } = await handle.read(into, at, end - at, at);
    if (bytesRead === 0) break;
    at += bytesRead;
  }
  return at;
}
