import { createCipheriv, createHash, createHmac, randomBytes, randomInt } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { CID } from 'multiformats/cid';
import * as raw from 'multiformats/codecs/raw';
import { sha256 } from 'multiformats/hashes/sha2';
import { PROJECT_DIR, RUN_DIR } from './network-profile.js';

/*
 * PHI-like values for the suites, made here and nowhere else: every one is built from
 * probe words (random, pronounceable, at least 9 letters: no log, block or program holds
 * one by chance) and registered, with its words, in the run's probe list. After the whole
 * test suite, `npm test` looks for every registered probe in every log under `.run/`
 * (scripts/scan-logs-for-probes.ts), in plain text and in the common encodings
 * (test/support/probe-scan.ts); the ledger suite looks for them in every block.
 */

/** Where the suites of this run register their probes: one JSON object a line. */
export const PROBES_FILE = process.env.MEDLEDGER_PHI_PROBES ?? path.join(RUN_DIR, 'phi-probes.txt');

/** One registered probe: the value, what kind of PHI it stands for, and the suite that made it. */
export interface RegisteredProbe {
  probe: string;
  kind: string;
  source: string | null;
}

/** The shortest value that may be a probe: shorter ones could match by chance. */
export const MIN_PROBE_LENGTH = 9;

const registeredHere: RegisteredProbe[] = [];

/**
 * Registers values as PHI probes of this run (for values a suite composes itself from probe
 * words; the helpers below register what they make). Each must be at least
 * MIN_PROBE_LENGTH characters and on one line.
 */
export function registerProbe(kind: string, ...values: string[]): void {
  const source = currentSuite();
  const lines: string[] = [];
  for (const probe of values) {
    if (probe.length < MIN_PROBE_LENGTH || /[\r\n]/.test(probe)) {
      throw new Error(`a PHI probe needs ${MIN_PROBE_LENGTH} characters or more on one line: ${JSON.stringify(probe)}`);
    }
    registeredHere.push({ probe, kind, source });
    lines.push(JSON.stringify({ probe, kind, source }));
  }
  if (lines.length === 0) return;
  mkdirSync(path.dirname(PROBES_FILE), { recursive: true });
  appendFileSync(PROBES_FILE, `${lines.join('\n')}\n`);
}

/** The probes this process registered, in order (for a suite's own scans). */
export function probesRegisteredHere(): string[] {
  return registeredHere.map(({ probe }) => probe);
}

/** The test file that is running, relative to the project (null outside Jest). */
function currentSuite(): string | null {
  const testPath = (globalThis as { expect?: { getState?: () => { testPath?: string } } }).expect?.getState?.()
    .testPath;
  return testPath ? path.relative(PROJECT_DIR, testPath) : null;
}

const ONSETS = 'b br d dr f g gr k kr l m n p pr qu r s st sk t tr v z th'.split(' ');
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'ai', 'ou', 'y'];
const CODAS = ['', '', 'n', 'r', 'l', 's', 'x', 'm', 'nd', 'rk'];
const pick = (list: readonly string[]) => list[randomInt(list.length)]!;

/** A fresh probe word (capitalised, letters a–z only, 9 to 14 letters), registered. */
export function probeWord(kind = 'word'): string {
  let word = '';
  while (word.length < MIN_PROBE_LENGTH) word += pick(ONSETS) + pick(VOWELS) + pick(CODAS);
  word = word[0]!.toUpperCase() + word.slice(1);
  registerProbe(kind, word);
  return word;
}

/**
 * A patient's full name: a given name and a surname, the surname ending in an accented
 * letter as many names do (so that the scans meet UTF-8, `\u00e9` and `%C3%A9` forms too).
 */
export function phiName(): string {
  const name = `${probeWord('name')} ${probeWord('name')}é`;
  registerProbe('name', name);
  return name;
}

/** A PHI text (a title, diagnosis, reason, justification, note): the prefix and two probe words. */
export function phiText(kind: string, prefix: string): string {
  const text = `${prefix} ${probeWord(kind)} ${probeWord(kind)}`;
  registerProbe(kind, text);
  return text;
}

/** A file name that names the patient's condition, as real ones do. */
export function phiFileName(extension = 'pdf'): string {
  const name = `${probeWord('file name').toLowerCase()}-${probeWord('file name').toLowerCase()}.${extension}`;
  registerProbe('file name', name);
  return name;
}

/**
 * Fixed sample PHI for the chaincode-level and mail suites, which handle it on the API
 * side of the boundary (hashing reasons, encrypting reports) without the API. Suites that
 * send PHI through the API use the registered probes above instead.
 */
export const PHI = {
  fullName: 'Philomena Quarrington-Vasquez',
  email: 'philomena.quarrington@example.org',
  dateOfBirth: '1961-07-23',
  reportTitle: 'MRI of the left knee after the Lisbon marathon fall',
  reportBody: 'Patient Philomena Quarrington-Vasquez, born 1961-07-23: partial tear of the medial meniscus.',
  requestReason: 'Second opinion on the meniscus tear before scheduling arthroscopy',
  emergencyJustification: 'Unconscious on arrival at A&E, checking anticoagulant prescriptions',
  fileName: 'quarrington-knee-mri.pdf',
} as const;

/** Every PHI value above, for the block scan. */
export const PHI_VALUES: readonly string[] = Object.values(PHI);

export const sha256Hex = (text: string | Uint8Array): string => createHash('sha256').update(text).digest('hex');

/** What the API puts on the ledger for an uploaded report, computed the way the API does. */
export interface SealedReport {
  cid: string;
  ciphertextSha256: string;
  plaintextCommitment: string;
  size: string;
}

/**
 * Encrypts a plaintext (AES-256-GCM under a fresh data key), commits to it (HMAC-SHA-256
 * under a fresh per-record key) and names the ciphertext with a CIDv1 (raw, SHA-256) from
 * the multiformats library, so the chaincode's own CID parser meets real CIDs.
 */
export async function sealReport(plaintext: string): Promise<SealedReport> {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', randomBytes(32), nonce);
  const ciphertext = Buffer.concat([nonce, cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  const cid = CID.createV1(raw.code, await sha256.digest(ciphertext));
  return {
    cid: cid.toString(),
    ciphertextSha256: sha256Hex(ciphertext),
    plaintextCommitment: createHmac('sha256', randomBytes(32)).update(plaintext).digest('hex'),
    size: String(ciphertext.length),
  };
}
