import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import path from 'node:path';

/*
 * Looks for PHI probes (test/support/phi.ts) in bytes: log files, ledger blocks. A probe
 * counts as found in any of the forms a program may write it in: as it is, in lower or
 * upper case, JSON-escaped (also with every non-ASCII character as \uXXXX), URL-encoded
 * (%20 or +), as hex, or inside base64 or base64url text at any byte alignment.
 */

/** One way a probe may be written, as the bytes to look for. */
export interface ProbeForm {
  probe: string;
  form: string;
  bytes: Buffer;
  /** Compared ignoring ASCII case (every form but base64, which is case-sensitive). */
  caseless: boolean;
}

/** The shortest form the matcher looks for: the window of its rolling hash. */
const WINDOW = 8;

/** Every form of a probe (deduplicated; forms shorter than WINDOW bytes are left out). */
export function probeForms(probe: string): ProbeForm[] {
  const forms: ProbeForm[] = [];
  const seen = new Set<string>();
  const add = (form: string, bytes: Buffer, caseless: boolean) => {
    const key = `${caseless}:${(caseless ? asciiLower(bytes) : bytes).toString('latin1')}`;
    if (bytes.length < WINDOW || seen.has(key)) return;
    seen.add(key);
    forms.push({ probe, form, bytes: caseless ? asciiLower(bytes) : bytes, caseless });
  };
  const text = (form: string, value: string) => add(form, Buffer.from(value, 'utf8'), true);
  text('plain', probe);
  text('JSON-escaped', JSON.stringify(probe).slice(1, -1));
  text(
    'JSON-escaped',
    JSON.stringify(probe)
      .slice(1, -1)
      .replace(/[^\x20-\x7e]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`),
  );
  text('URL-encoded', encodeURIComponent(probe));
  text('form-encoded', new URLSearchParams({ q: probe }).toString().slice(2));
  for (const variant of new Set([probe, probe.toLowerCase(), probe.toUpperCase()])) {
    const bytes = Buffer.from(variant, 'utf8');
    text('hex', bytes.toString('hex'));
    for (const alignment of [0, 1, 2]) {
      const core = base64Core(bytes, alignment);
      add('base64', Buffer.from(core, 'latin1'), false);
      add('base64url', Buffer.from(core.replace(/\+/g, '-').replace(/\//g, '_'), 'latin1'), false);
    }
  }
  return forms;
}

/**
 * The base64 characters that depend on `bytes` only, when they follow `alignment` other
 * bytes (mod 3) in the encoded text: a probe inside any base64 text contains one of the
 * three cores.
 */
function base64Core(bytes: Buffer, alignment: number): string {
  const encoded = Buffer.concat([Buffer.alloc(alignment), bytes])
    .toString('base64')
    .replace(/=+$/, '');
  const first = Math.ceil((8 * alignment) / 6);
  const last = Math.floor((8 * (alignment + bytes.length)) / 6);
  return encoded.slice(first, last);
}

function asciiLower(bytes: Buffer): Buffer {
  const lower = Buffer.from(bytes);
  for (let index = 0; index < lower.length; index++) {
    const byte = lower[index]!;
    if (byte >= 65 && byte <= 90) lower[index] = byte + 32;
  }
  return lower;
}

/** Where a form of a probe was found in a haystack. */
export interface ProbeMatch {
  probe: string;
  form: string;
  /** Byte offset of the match in the haystack. */
  offset: number;
}

const BASE = 0x01000193;
const FILTER_BITS = 22;

/**
 * Finds many probes at once in one pass over the bytes (Rabin–Karp: a rolling hash of the
 * last WINDOW bytes, raw and ASCII-lower-cased, looked up among the forms' first WINDOW
 * bytes, each candidate then compared in full).
 */
export class ProbeMatcher {
  private readonly exact = new Map<number, ProbeForm[]>();
  private readonly caseless = new Map<number, ProbeForm[]>();
  private readonly filter = new Uint8Array(1 << (FILTER_BITS - 3));
  /** The longest form, in bytes: how much of one chunk a scan must carry into the next. */
  readonly longest: number;

  constructor(probes: readonly string[]) {
    let longest = WINDOW;
    for (const probe of new Set(probes)) {
      for (const form of probeForms(probe)) {
        const key = hashOf(form.bytes, 0);
        const table = form.caseless ? this.caseless : this.exact;
        table.set(key, [...(table.get(key) ?? []), form]);
        this.filter[filterIndex(key)] |= 1 << (key & 7);
        longest = Math.max(longest, form.bytes.length);
      }
    }
    this.longest = longest;
  }

  /** Every match in `haystack` (all forms, every place; overlapping ones too). */
  scan(haystack: Uint8Array): ProbeMatch[] {
    const matches: ProbeMatch[] = [];
    if (haystack.length < WINDOW) return matches;
    let power = 1;
    for (let step = 0; step < WINDOW - 1; step++) power = Math.imul(power, BASE);
    let raw = 0;
    let lower = 0;
    for (let index = 0; index < haystack.length; index++) {
      const byte = haystack[index]!;
      if (index >= WINDOW) {
        const old = haystack[index - WINDOW]!;
        raw = (raw - Math.imul(old, power)) | 0;
        lower = (lower - Math.imul(lowerByte(old), power)) | 0;
      }
      raw = (Math.imul(raw, BASE) + byte) | 0;
      lower = (Math.imul(lower, BASE) + lowerByte(byte)) | 0;
      if (index < WINDOW - 1) continue;
      const start = index - WINDOW + 1;
      if (this.mayHold(raw)) this.verify(this.exact.get(raw), haystack, start, false, matches);
      if (this.mayHold(lower)) this.verify(this.caseless.get(lower), haystack, start, true, matches);
    }
    return matches;
  }

  private mayHold(key: number): boolean {
    return (this.filter[filterIndex(key)]! & (1 << (key & 7))) !== 0;
  }

  private verify(
    forms: ProbeForm[] | undefined,
    haystack: Uint8Array,
    start: number,
    caseless: boolean,
    matches: ProbeMatch[],
  ): void {
    for (const form of forms ?? []) {
      const { bytes } = form;
      if (start + bytes.length > haystack.length) continue;
      let equal = true;
      for (let index = 0; index < bytes.length && equal; index++) {
        const byte = haystack[start + index]!;
        equal = (caseless ? lowerByte(byte) : byte) === bytes[index];
      }
      if (equal) matches.push({ probe: form.probe, form: form.form, offset: start });
    }
  }
}

/** The byte of the filter that holds a key's bit (the key's low bits pick the bit in it). */
const filterIndex = (key: number) => ((key >>> 0) % (1 << FILTER_BITS)) >>> 3;

const lowerByte = (byte: number) => (byte >= 65 && byte <= 90 ? byte + 32 : byte);

function hashOf(bytes: Uint8Array, start: number): number {
  let hash = 0;
  for (let index = start; index < start + WINDOW; index++) hash = (Math.imul(hash, BASE) + bytes[index]!) | 0;
  return hash;
}

/** A probe found in a file: where (1-based line), in which form, and the line around it. */
export interface FileLeak extends ProbeMatch {
  file: string;
  line: number;
  excerpt: string;
}

const CHUNK_BYTES = 16 * 1024 * 1024;

/** Scans one file in chunks (logs can be large), carrying the tail of each chunk into the next. */
export function scanFile(matcher: ProbeMatcher, file: string): FileLeak[] {
  const leaks: FileLeak[] = [];
  const descriptor = openSync(file, 'r');
  try {
    const carry = matcher.longest - 1;
    let buffer = Buffer.alloc(0);
    let bufferStart = 0; // file offset of buffer[0]
    let lineAtBufferStart = 1;
    let position = 0;
    const reported = new Set<string>();
    for (;;) {
      const chunk = Buffer.alloc(CHUNK_BYTES);
      const read = readSync(descriptor, chunk, 0, CHUNK_BYTES, position);
      if (read === 0) break;
      position += read;
      buffer = Buffer.concat([buffer, chunk.subarray(0, read)]);
      for (const match of matcher.scan(buffer)) {
        const offset = bufferStart + match.offset;
        const key = `${offset}:${match.probe}:${match.form}`;
        if (reported.has(key)) continue;
        reported.add(key);
        const line = lineAtBufferStart + countNewlines(buffer, 0, match.offset);
        leaks.push({ ...match, offset, file, line, excerpt: excerptAround(buffer, match.offset) });
      }
      const keep = Math.min(carry, buffer.length);
      lineAtBufferStart += countNewlines(buffer, 0, buffer.length - keep);
      bufferStart += buffer.length - keep;
      buffer = Buffer.from(buffer.subarray(buffer.length - keep));
    }
  } finally {
    closeSync(descriptor);
  }
  return leaks;
}

function countNewlines(buffer: Buffer, from: number, to: number): number {
  let count = 0;
  for (let index = buffer.indexOf(10, from); index !== -1 && index < to; index = buffer.indexOf(10, index + 1)) count++;
  return count;
}

function excerptAround(buffer: Buffer, offset: number): string {
  const lineStart = buffer.lastIndexOf(10, offset) + 1;
  const lineEnd = buffer.indexOf(10, offset);
  const from = Math.max(lineStart, offset - 100);
  const to = Math.min(lineEnd === -1 ? buffer.length : lineEnd, offset + 150);
  return buffer
    .subarray(from, to)
    .toString('utf8')
    .replace(/[^\x20-\x7e\u00a0-\uffff]/g, '.');
}

/**
 * What the log scan reads in a run directory: every file under `logs/` (the services' logs
 * and the suites' extra API processes'), every other `*.log` (the peers', the orderer's
 * and the IPFS node's LevelDB logs), and the ledger's block files (`blockfile_NNNNNN` of
 * every peer and the orderer: the whole ledger, every suite's transactions) — except the
 * files named in `exclude` (the probe list itself).
 */
export function filesToScan(runDir: string, exclude: readonly string[] = []): string[] {
  const files: string[] = [];
  const excluded = new Set(exclude.map((file) => path.resolve(file)));
  const logs = path.resolve(runDir, 'logs');
  const walk = (directory: string, inLogs: boolean) => {
    let entries;
    try {
      entries = readdirSync(directory, { withFileTypes: true });
    } catch {
      return; // a directory that vanished, or that this user may not read (PostgreSQL's data)
    }
    for (const entry of entries) {
      const full = path.join(directory, entry.name);
      if (entry.isDirectory()) walk(full, inLogs || path.resolve(full) === logs);
      else if (
        entry.isFile() &&
        (inLogs || entry.name.endsWith('.log') || /^blockfile_\d+$/.test(entry.name)) &&
        !excluded.has(path.resolve(full))
      )
        files.push(full);
    }
  };
  if (existsSync(runDir)) walk(runDir, false);
  return files.sort();
}

/** The probes registered in a probe list (JSON lines `{probe, kind, source}`), first registration of each. */
export function readProbeList(file: string): Array<{ probe: string; kind: string; source: string | null }> {
  if (!existsSync(file)) return [];
  const probes = new Map<string, { probe: string; kind: string; source: string | null }>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const entry = JSON.parse(line) as { probe: string; kind: string; source: string | null };
    if (!probes.has(entry.probe)) probes.set(entry.probe, entry);
  }
  return [...probes.values()];
}

/** Bytes in all these files, for the report. */
export function totalBytes(files: readonly string[]): number {
  return files.reduce((sum, file) => sum + statSync(file).size, 0);
}
