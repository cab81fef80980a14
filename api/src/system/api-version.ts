import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The API's version, from its own package.json (api/package.json, beside src/ and dist/), read once. */
export const API_VERSION = readApiVersion(path.resolve(import.meta.dirname, '..', '..', 'package.json'));

function readApiVersion(file: string): string {
  const manifest: unknown = JSON.parse(readFileSync(file, 'utf8'));
  const version = (manifest as { version?: unknown } | null)?.version;
  if (typeof version !== 'string' || version === '') throw new Error(`${file} has no version`);
  return version;
}
