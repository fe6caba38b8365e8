// POSIX ustar archives, the format Coder stores template sources in. Only what templates need:
// regular files and directories, read whole into memory (uploads are size-limited before this).

export interface TarEntry {
  /** Path inside the archive, without a leading "./". */
  name: string;
  type: 'file' | 'directory';
  data: Uint8Array;
  mode?: number;
  mtime?: Date;
}

const BLOCK = 512;

export class TarFormatError extends Error {}

function field(header: Uint8Array, offset: number, length: number): string {
  const bytes = header.subarray(offset, offset + length);
  const end = bytes.indexOf(0);
  return new TextDecoder().decode(end === -1 ? bytes : bytes.subarray(0, end));
}

function octal(header: Uint8Array, offset: number, length: number): number {
  const text = field(header, offset, length).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new TarFormatError('the archive is not a valid tar file (bad number field)');
  return parseInt(text, 8);
}

function checksumOf(header: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i];
  return sum;
}

const normalize = (name: string) => name.replace(/^(\.\/)+/, '').replace(/\/+$/, '');

/** The entries of a tar archive. Throws TarFormatError on anything that is not one. */
export function readTar(archive: Uint8Array): TarEntry[] {
  const entries: TarEntry[] = [];
  let offset = 0;
  let longName: string | undefined;
  while (offset + BLOCK <= archive.length) {
    const header = archive.subarray(offset, offset + BLOCK);
    if (header.every((b) => b === 0)) break; // end-of-archive marker
    if (octal(header, 148, 8) !== checksumOf(header)) throw new TarFormatError('the archive is not a valid tar file (header checksum mismatch)');
    const size = octal(header, 124, 12);
    const typeflag = String.fromCharCode(header[156] || 0x30);
    const dataStart = offset + BLOCK;
    if (dataStart + size > archive.length) throw new TarFormatError('the archive is truncated');
    const data = archive.subarray(dataStart, dataStart + size);
    offset = dataStart + Math.ceil(size / BLOCK) * BLOCK;
    if (typeflag === 'L') {
      longName = field(data, 0, data.length); // GNU long name for the next entry
      continue;
    }
    if (typeflag === 'x' || typeflag === 'g') {
      const path = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(new TextDecoder().decode(data));
      if (typeflag === 'x' && path) longName = path[1];
      continue;
    }
    const prefix = field(header, 345, 155);
    const name = normalize(longName ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100)));
    longName = undefined;
    if (name === '' || name === '.') continue;
    if (typeflag === '0' || typeflag === '\0' || typeflag === '7') {
      entries.push({ name, type: 'file', data, mode: octal(header, 100, 8), mtime: new Date(octal(header, 136, 12) * 1000) });
    } else if (typeflag === '5') {
      entries.push({ name, type: 'directory', data: new Uint8Array(0) });
    }
    // Links, devices and FIFOs carry nothing a template needs; they are skipped.
  }
  return entries;
}

function writeField(header: Uint8Array, offset: number, length: number, value: string): void {
  const bytes = new TextEncoder().encode(value);
  if (bytes.length > length) throw new TarFormatError(`tar field too long: ${value}`);
  header.set(bytes, offset);
}

const writeOctal = (header: Uint8Array, offset: number, length: number, n: number) =>
  writeField(header, offset, length, n.toString(8).padStart(length - 1, '0'));

/** A ustar archive of the entries (names up to 255 bytes, split into prefix/name as ustar does). */
export function writeTar(entries: TarEntry[]): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (const e of entries) {
    const header = new Uint8Array(BLOCK);
    let name = e.type === 'directory' ? `${normalize(e.name)}/` : normalize(e.name);
    let prefix = '';
    if (new TextEncoder().encode(name).length > 100) {
      const cut = name.lastIndexOf('/', name.length - 2);
      if (cut <= 0) throw new TarFormatError(`path too long for a tar archive: ${name}`);
      prefix = name.slice(0, cut);
      name = name.slice(cut + 1);
    }
    writeField(header, 0, 100, name);
    writeOctal(header, 100, 8, e.mode ?? (e.type === 'directory' ? 0o755 : 0o644));
    writeOctal(header, 108, 8, 0);
    writeOctal(header, 116, 8, 0);
    writeOctal(header, 124, 12, e.type === 'file' ? e.data.length : 0);
    writeOctal(header, 136, 12, Math.floor((e.mtime?.getTime() ?? 0) / 1000));
    header[156] = e.type === 'directory' ? 0x35 : 0x30;
    writeField(header, 257, 6, 'ustar');
    writeField(header, 263, 2, '00');
    writeField(header, 345, 155, prefix);
    writeField(header, 148, 8, checksumOf(header).toString(8).padStart(6, '0') + '\0 ');
    blocks.push(header);
    if (e.type === 'file' && e.data.length > 0) {
      const padded = new Uint8Array(Math.ceil(e.data.length / BLOCK) * BLOCK);
      padded.set(e.data);
      blocks.push(padded);
    }
  }
  blocks.push(new Uint8Array(BLOCK * 2));
  const out = new Uint8Array(blocks.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of blocks) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}
