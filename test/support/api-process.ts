import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { API_URL } from './api.js';
import { PROJECT_DIR, RUN_DIR } from './network-profile.js';

/**
 * One more API process, built by `npm test`, on the same database, ledger and IPFS as the
 * one the scripts started and with the same Node flags, with its own port and extra
 * settings (a fault point, a short recovery delay). Its output goes to `.run/logs/<name>.log`.
 */
export class ApiProcess {
  private child?: ChildProcess;
  /** Settles with the signal that ended the last process started (null after a normal exit). */
  private exit: Promise<NodeJS.Signals | null> = Promise.resolve(null);
  readonly url: string;

  constructor(
    private readonly name: string,
    private readonly port: number,
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  /** Starts the API with these settings on top of the test run's environment; resolves once it answers. */
  async start(settings: Record<string, string>): Promise<void> {
    if (this.child) throw new Error(`${this.name} is running already`);
    const logDir = path.join(RUN_DIR, 'logs');
    mkdirSync(logDir, { recursive: true });
    const log = openSync(path.join(logDir, `${this.name}.log`), 'a');
    // One deployment, one portal: the e-mail any process sends links to the main API's portal.
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(this.port),
      PORTAL_URL: API_URL,
      ...settings,
    };
    delete env.NODE_OPTIONS; // Jest's VM-module flags are not the API's
    const child = spawn(process.execPath, [...apiNodeFlags(), path.join(PROJECT_DIR, 'api/dist/main.js')], {
      env,
      stdio: ['ignore', log, log],
    });
    this.child = child;
    this.exit = new Promise((resolve) =>
      child.once('exit', (_code, signal) => {
        if (this.child === child) this.child = undefined;
        resolve(signal);
      }),
    );
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (!this.child) throw new Error(`${this.name} exited during start (see .run/logs/${this.name}.log)`);
      const healthy = await fetch(`${this.url}/api/v1/health`, { signal: AbortSignal.timeout(1000) })
        .then((response) => response.ok)
        .catch(() => false);
      if (healthy) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`${this.name} did not answer within 60 s`);
  }

  /** The id of the running process (undefined when none runs). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Waits until the process has gone, and returns the signal that ended it (null after a normal exit). */
  exited(): Promise<NodeJS.Signals | null> {
    return this.exit;
  }

  /** Kills the process at once (SIGKILL: no shutdown hook runs, as in a crash) and waits for it. */
  async kill(): Promise<void> {
    if (!this.child) return;
    const gone = this.exited();
    this.child.kill('SIGKILL');
    await gone;
  }

  /** Stops the process (SIGTERM, a graceful shutdown) and waits for it. */
  async stop(): Promise<void> {
    if (!this.child) return;
    const gone = this.exited();
    this.child.kill('SIGTERM');
    await gone;
  }
}

/**
 * Node's flags for the API, as `npm test` starts it with them (API_NODE_FLAGS, defined once
 * in scripts/medledger.sh): a suite that measures the API must measure it as it runs.
 */
function apiNodeFlags(): string[] {
  const flags = process.env.API_NODE_FLAGS;
  if (flags === undefined)
    throw new Error("API_NODE_FLAGS is not set: run the suites through npm test, which sets the API's Node flags");
  return flags.split(/\s+/).filter((flag) => flag !== '');
}

/** A port beside the ones `npm test` uses for the APIs (PORT, PORT + 1). */
export function spareApiPort(offset: number): number {
  return Number(new URL(API_URL).port || 80) + 1 + offset;
}
