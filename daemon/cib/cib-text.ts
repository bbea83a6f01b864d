import { readFileSync } from 'node:fs';
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
