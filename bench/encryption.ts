/**
 * Throughput of the case-report encryption format (`aes-256-gcm-chunked-v1`) in one process,
 * streamed through the real encryptor and decryptor, beside Node's one-shot AES-256-GCM of
 * the same bytes (the baseline: one key, one nonce, one call). Also the upload and read
 * pipelines as the API runs them (digests of plaintext and ciphertext around encryption).
 * The goal: at least 300 MB/s per core. MB = 10^6 bytes; best of `--runs`.
 *
 *   npm run bench:encryption [-- --sizes 64,256 --runs 3 --piece 65536]
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createDecryptor, createEncryptor, generateDataKey } from '../api/src/crypto/chunked-aead.js';
import { createDigestTee, generateCommitmentKey } from '../api/src/crypto/plaintext-commitment.js';

const MIB = 1024 * 1024;

interface Options {
  sizes: number[];
  runs: number;
  piece: number;
}

interface Timing {
  seconds: number;
  cpuSeconds: number;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { sizes: [64, 256], runs: 3, piece: 64 * 1024 };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1] ?? ''];
    const numbers = value.split(',').map(Number);
    if (numbers.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`${flag} takes positive integers`);
    if (flag === '--sizes') options.sizes = numbers;
    else if (flag === '--runs') options.runs = numbers[0];
    else if (flag === '--piece') options.piece = numbers[0];
    else throw new Error(`unknown option ${flag} (known: --sizes a,b (MiB), --runs N, --piece bytes)`);
  }
  return options;
}

/** The bytes as a stream of `piece`-byte buffers, as a file or socket would deliver them. */
function source(bytes: Buffer, piece: number): Readable {
  let offset = 0;
  return new Readable({
    read() {
      if (offset >= bytes.length) return void this.push(null);
      this.push(bytes.subarray(offset, offset + piece));
      offset += piece;
    },
  });
}

/** A sink that keeps the output (for the next step) or only counts it. */
function sink(keep?: Buffer[]): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      keep?.push(chunk);
      callback();
    },
  });
}

async function timed(runs: number, operation: () => Promise<void> | void): Promise<Timing> {
  let best: Timing | undefined;
  for (let run = 0; run < runs; run += 1) {
    const cpu = process.cpuUsage();
    const begin = process.hrtime.bigint();
    await operation();
    const seconds = Number(process.hrtime.bigint() - begin) / 1e9;
    const used = process.cpuUsage(cpu);
    const timing = { seconds, cpuSeconds: (used.user + used.system) / 1e6 };
    if (best === undefined || timing.seconds < best.seconds) best = timing;
  }
  return best as Timing;
}

function line(label: string, bytes: number, timing: Timing, baseline?: Timing): string {
  const rate = bytes / 1e6 / timing.seconds;
  const perCpu = bytes / 1e6 / timing.cpuSeconds;
  const ratio = baseline === undefined ? '' : `  ${(rate / (bytes / 1e6 / baseline.seconds)).toFixed(2)}x baseline`;
  return `  ${label.padEnd(44)} ${rate.toFixed(0).padStart(6)} MB/s  (${perCpu.toFixed(0).padStart(5)} MB per CPU-second)${ratio}`;
}

async function benchSize(mib: number, options: Options): Promise<void> {
  const bytes = mib * MIB;
  const plaintext = randomBytes(bytes);
  const key = generateDataKey();
  console.log(`\n${mib} MiB, streamed in ${options.piece}-byte pieces, best of ${options.runs}`);

  const oneShotEncrypt = await timed(options.runs, () => {
    const cipher = createCipheriv('aes-256-gcm', key, randomBytes(12));
    cipher.update(plaintext);
    cipher.final();
    cipher.getAuthTag();
  });
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  const oneShotCiphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const oneShotTag = cipher.getAuthTag();
  const oneShotDecrypt = await timed(options.runs, () => {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce);
    decipher.setAuthTag(oneShotTag);
    decipher.update(oneShotCiphertext);
    decipher.final();
  });

  // Raw AES-256-GCM over 64 KiB slices, no streams and no format: what chunking alone costs.
  const sliced = await timed(options.runs, () => {
    for (let offset = 0; offset < bytes; offset += 64 * 1024) {
      const slice = createCipheriv('aes-256-gcm', key, randomBytes(12));
      slice.update(plaintext.subarray(offset, offset + 64 * 1024));
      slice.final();
      slice.getAuthTag();
    }
  });

  let ciphertext: Buffer[] = [];
  const encrypt = await timed(options.runs, async () => {
    ciphertext = [];
    await pipeline(source(plaintext, options.piece), createEncryptor(key), sink(ciphertext));
  });
  const sealed = Buffer.concat(ciphertext);
  ciphertext = [];
  const decrypt = await timed(options.runs, async () => {
    await pipeline(source(sealed, options.piece), createDecryptor(key), sink());
  });

  const commitmentKey = generateCommitmentKey();
  const upload = await timed(options.runs, async () => {
    await pipeline(
      source(plaintext, options.piece),
      createDigestTee({ commitmentKey }),
      createEncryptor(key),
      createDigestTee(),
      sink(),
    );
  });
  const read = await timed(options.runs, async () => {
    await pipeline(
      source(sealed, options.piece),
      createDigestTee(),
      createDecryptor(key),
      createDigestTee({ commitmentKey, sha256: false }),
      sink(),
    );
  });

  console.log(line('baseline: one-shot AES-256-GCM encrypt', bytes, oneShotEncrypt));
  console.log(line('raw AES-256-GCM per 64 KiB slice, no streams', bytes, sliced, oneShotEncrypt));
  console.log(line('chunked encrypt (createEncryptor)', bytes, encrypt, oneShotEncrypt));
  console.log(line('baseline: one-shot AES-256-GCM decrypt', bytes, oneShotDecrypt));
  console.log(line('chunked decrypt (createDecryptor)', bytes, decrypt, oneShotDecrypt));
  console.log(line('upload: SHA-256+HMAC → encrypt → SHA-256', bytes, upload, oneShotEncrypt));
  console.log(line('read: SHA-256 → decrypt → HMAC', bytes, read, oneShotDecrypt));
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  console.log(`node ${process.version}, ${process.arch}; goal ≥ 300 MB/s per core for encryption`);
  // Warm-up: JIT and the cipher code paths.
  const warm = randomBytes(8 * MIB);
  const key = generateDataKey();
  await pipeline(source(warm, options.piece), createEncryptor(key), sink());
  for (const mib of options.sizes) await benchSize(mib, options);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
