import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PROJECT_DIR } from '../support/network-profile.js';
import { phiName, phiText, PROBES_FILE, probeWord } from '../support/phi.js';
import { filesToScan, ProbeMatcher, probeForms } from '../support/probe-scan.js';

/**
 * The scan that ends `npm test` (scripts/scan-logs-for-probes.ts) is not blind: it finds a
 * probe written in each form a program may use, in every kind of file it is meant to read,
 * answers with the exit status the test command counts, and reads the probe list the
 * suites write to. No services needed: it runs on a run directory of its own.
 */
describe('the log scan for PHI probes', () => {
  let runDir: string;

  const scan = (probesFile = path.join(runDir, 'phi-probes.txt')) => {
    const env = { ...process.env };
    delete env.NODE_OPTIONS; // Jest's VM-module flags are not the script's
    return spawnSync(
      path.join(PROJECT_DIR, 'node_modules', '.bin', 'tsx'),
      ['scripts/scan-logs-for-probes.ts', runDir, probesFile],
      { cwd: PROJECT_DIR, env, encoding: 'utf8', timeout: 60_000 },
    );
  };
  const writeProbes = (...probes: string[]) =>
    writeFileSync(
      path.join(runDir, 'phi-probes.txt'),
      probes.map((probe) => `${JSON.stringify({ probe, kind: 'name', source: 'self-test' })}\n`).join(''),
    );

  beforeEach(() => {
    runDir = mkdtempSync(path.join(tmpdir(), 'medledger-log-scan-'));
    mkdirSync(path.join(runDir, 'logs'));
  });

  afterEach(() => rmSync(runDir, { recursive: true, force: true }));

  it('registers what the PHI helpers make in the list the test command scans, words and whole values', () => {
    const name = phiName();
    const reason = phiText('reason', 'Second opinion on');
    const registered = readFileSync(PROBES_FILE, 'utf8');
    const [given, surname] = name.split(' ') as [string, string];
    for (const value of [name, reason, given, surname.slice(0, -1), ...reason.split(' ').slice(-2)])
      expect(registered).toContain(JSON.stringify(value));
    expect(registered).toContain('"source":"test/integration/log-probe-scan.test.ts"');
  });

  it('finds a probe in every form, wherever it sits in the text', () => {
    const name = phiName();
    const [given, surname] = name.split(' ') as [string, string];
    // As registered: the whole name and each probe word (the surname's without its accent).
    const matcher = new ProbeMatcher([name, given, surname.slice(0, -1)]);
    const written: Record<string, string> = {
      plain: `{"msg":"patient ${name} admitted"}`,
      'lower case': `user=${given.toLowerCase()}`,
      'upper case': `NAME: ${surname.toUpperCase()}`,
      'JSON with \\u escapes': JSON.stringify({ name }).replace(
        /[^\x20-\x7e]/g,
        (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
      ),
      'URL-encoded': `GET /api/v1/patients?query=${encodeURIComponent(name)}&limit=5`,
      'form-encoded': `body: ${new URLSearchParams({ fullName: name }).toString()}`,
      hex: `\\x${Buffer.from(`(${name})`).toString('hex')}`,
      ...Object.fromEntries(
        [0, 1, 2].map((shift) => [
          `base64 after ${shift} byte(s)`,
          Buffer.from(`${'x'.repeat(shift)}{"fullName":"${name}"}`).toString('base64'),
        ]),
      ),
      base64url: `eyJ.${Buffer.from(JSON.stringify({ sub: given })).toString('base64url')}.sig`,
    };
    const missed = Object.entries(written)
      .filter(([, text]) => matcher.scan(Buffer.from(`${'-'.repeat(37)}${text}\n`)).length === 0)
      .map(([form]) => form);
    expect(missed).toEqual([]);
    // Not a match: another word, or a probe cut short.
    expect(matcher.scan(Buffer.from(`${probeWord()} ${given.slice(0, -1)} ${surname.slice(1)}`))).toEqual([]);
    expect(probeForms(given).every((form) => form.bytes.length >= 8)).toBe(true);
  });

  it('fails (1) naming the file, line and form of each probe found in a log or a block file; passes (0) when none is', () => {
    const surname = probeWord('name');
    const reason = phiText('reason', 'Referral about');
    writeProbes(surname, reason);
    mkdirSync(path.join(runDir, 'fabric', 'data', 'peer0', 'chains'), { recursive: true });
    writeFileSync(path.join(runDir, 'logs', 'api.log'), `line one\n{"url":"/api/v1/patients?query=${surname}"}\n`);
    writeFileSync(path.join(runDir, 'logs', 'api-fault.log'), 'nothing here\n');
    writeFileSync(
      path.join(runDir, 'fabric', 'data', 'peer0', 'chains', 'blockfile_000000'),
      Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(Buffer.from(`\u0012${reason}`).toString('base64'))]),
    );
    // Not a log: the probe list itself, and other files of the run directory.
    writeFileSync(path.join(runDir, 'fabric', 'data', 'notes.txt'), surname);

    const found = scan();
    expect(found.status).toBe(1);
    expect(found.stdout).toContain(`logs/api.log:2: name ${JSON.stringify(surname)}`);
    expect(found.stdout).toMatch(/blockfile_000000:1: .* as base64/);
    expect(found.stdout).not.toContain('notes.txt');
    expect(found.stdout).not.toContain('phi-probes.txt');

    writeFileSync(path.join(runDir, 'logs', 'api.log'), 'line one\n');
    rmSync(path.join(runDir, 'fabric'), { recursive: true });
    const clean = scan();
    expect({ status: clean.status, stdout: clean.stdout }).toMatchObject({ status: 0 });
    expect(clean.stdout).toContain('no probe found');
  });

  it('reads every file under logs/, every *.log and the block files; skips (3) when no probe was registered', () => {
    mkdirSync(path.join(runDir, 'logs', 'nested'));
    mkdirSync(path.join(runDir, 'postgres', 'data'), { recursive: true });
    for (const file of [
      'logs/api.log',
      'logs/nested/trace.txt',
      'postgres/data/base.dat',
      'ipfs.log',
      'phi-probes.txt',
    ])
      writeFileSync(path.join(runDir, file), '');
    expect(
      filesToScan(runDir, [path.join(runDir, 'phi-probes.txt')]).map((file) => path.relative(runDir, file)),
    ).toEqual(['ipfs.log', 'logs/api.log', 'logs/nested/trace.txt']);
    const skipped = scan();
    expect(skipped.status).toBe(3);
    expect(skipped.stdout).toContain('nothing to look for');
  });
});
