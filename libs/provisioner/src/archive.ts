// Template archives: what an upload may be, and the one form they are stored in (tar, as Coder).
import { unzipSync } from 'fflate';
import { readTar, TarFormatError, writeTar, type TarEntry } from './tar.js';

export const TAR_MIME = 'application/x-tar';
export const ZIP_MIME = 'application/zip';

/**
 * A zip upload rewritten as the tar archive it will be stored as. Directory entries are kept so that
 * empty folders survive; paths are checked so that no entry escapes the archive root.
 */
export function zipToTar(zip: Uint8Array): Uint8Array {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(zip);
  } catch (err) {
    throw new TarFormatError(`the archive is not a valid zip file: ${(err as Error).message}`);
  }
  const entries: TarEntry[] = Object.entries(files).map(([name, data]) => {
    checkPath(name);
    return name.endsWith('/') ? { name, type: 'directory', data: new Uint8Array(0) } : { name, type: 'file', data };
  });
  return writeTar(entries);
}

/** Validates a tar upload (every header readable, no path leaving the root). */
export function checkTar(tar: Uint8Array): void {
  for (const e of readTar(tar)) checkPath(e.name);
}

function checkPath(name: string): void {
  if (name.startsWith('/') || name.split('/').includes('..')) throw new TarFormatError(`the archive holds a path outside its root: ${name}`);
}

/** The text of one file of a tar archive, or undefined. */
export function readTarFile(tar: Uint8Array, name: string): string | undefined {
  const entry = readTar(tar).find((e) => e.type === 'file' && e.name === name);
  return entry ? new TextDecoder().decode(entry.data) : undefined;
}
