import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MailDropMailer } from './mail-drop-mailer.js';

describe('MailDropMailer', () => {
  let directory: string;

  beforeEach(async () => {
    directory = path.join(await mkdtemp(path.join(tmpdir(), 'mail-drop-')), 'mail');
  });

  afterEach(async () => {
    await rm(path.dirname(directory), { recursive: true, force: true });
  });

  it('writes each e-mail as one .eml file that only the owner can read', async () => {
    const mailer = new MailDropMailer(directory, 'MedLedger <no-reply@medledger.test>');
    await mailer.send({
      to: 'ada@example.org',
      subject: 'Activate your MedLedger account',
      text: 'Open http://127.0.0.1:3000/activate?token=abc',
      messageId: '<42@medledger.invalid>',
    });
    const files = await readdir(directory);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/-42@medledger\.invalid\.eml$/);
    const written = await readFile(path.join(directory, files[0]!), 'utf8');
    expect(written).toContain('To: ada@example.org\r\n');
    expect(written).toContain('Subject: Activate your MedLedger account\r\n');
    expect(written).toContain('\r\n\r\nOpen http://127.0.0.1:3000/activate?token=abc');
    expect((await stat(path.join(directory, files[0]!))).mode & 0o077).toBe(0);
    expect((await stat(directory)).mode & 0o077).toBe(0);
  });
});
