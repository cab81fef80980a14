import { type ChildProcessWithoutNullStreams, execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { PROJECT_DIR } from './network-profile.js';

const run = promisify(execFile);

/** How long the JVM may take to load the R4 definitions and warm up (15-20 s on a busy machine). */
const STARTUP_TIMEOUT_MS = 120_000;
/** One validation; a large Bundle takes a few seconds at most. */
const REQUEST_TIMEOUT_MS = 60_000;
/** What is kept of the validator's stderr, for the error when it fails: its end. */
const STDERR_KEPT = 16_384;

/** One finding of the validator, from the OperationOutcome it answered. */
export interface FhirValidationIssue {
  severity: 'fatal' | 'error' | 'warning' | 'information';
  /** Where: the FHIRPath of the element (`Patient.birthDate`), or '' when the issue has none. */
  location: string;
  message: string;
}

export interface FhirValidator {
  /** Every issue the validator found in a resource (a Bundle too), warnings and notes included. */
  issues(resource: unknown): Promise<FhirValidationIssue[]>;
  /** Issues of severity error or fatal (with their location and message) for a resource; [] when valid. */
  errors(resource: unknown): Promise<FhirValidationIssue[]>;
  /** Throws (a readable message listing every error) unless the resource is valid. */
  expectValid(resource: unknown): Promise<void>;
  /**
   * Loads a StructureDefinition (a published extension definition): resources validated from then
   * on are checked against it. Throws if the definition itself has errors (it is not loaded then).
   */
  addDefinition(definition: unknown): Promise<void>;
  /** Stops the validator's JVM and waits until it has gone. */
  stop(): Promise<void>;
}

/**
 * Starts an independent FHIR R4 validator: HAPI FHIR's, offline, in a JVM of its own behind an
 * HTTP server on loopback (test/fhir-validator; built by scripts/fhir-validator.sh, which `npm test`
 * runs and names in FHIR_VALIDATOR_PATH). Validations go one at a time. The JVM also ends when this
 * process does: it exits once its stdin, a pipe from here, closes.
 *
 * A resource is given as an object, or as JSON text exactly as an API answered it.
 */
export async function startFhirValidator(): Promise<FhirValidator> {
  const dir = await builtValidator();
  const java = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  const child = spawn(
    java,
    [
      '-Xmx1g',
      // One GC thread: the validator shares the machine with the system under test.
      '-XX:+UseSerialGC',
      '-cp',
      `${path.join(dir, 'classes')}${path.delimiter}${path.join(dir, 'lib', '*')}`,
      'org.medledger.fhirvalidator.ValidatorServer',
      '--port',
      '0',
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const jvm = new ValidatorProcess(child);
  const port = await jvm.listening();
  return new HttpFhirValidator(`http://127.0.0.1:${port}`, jvm);
}

/** The folder holding the built validator's classes/ and lib/: from the test command, or built now. */
async function builtValidator(): Promise<string> {
  const fromTestCommand = process.env.FHIR_VALIDATOR_PATH;
  if (fromTestCommand) return fromTestCommand;
  try {
    const { stdout } = await run('bash', [path.join(PROJECT_DIR, 'scripts', 'fhir-validator.sh'), 'ensure'], {
      timeout: 600_000,
    });
    return stdout.trim();
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`scripts/fhir-validator.sh ensure failed: ${(error as Error).message}\n${stderr}`);
  }
}

/** The validator's JVM: its port once it says so, the end of its stderr, its exit. */
class ValidatorProcess {
  private stderr = '';
  private readonly exited: Promise<void>;
  private exitStatus?: string;

  constructor(private readonly child: ChildProcessWithoutNullStreams) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitStatus = signal ? `killed by ${signal}` : `exit code ${code}`;
        resolve();
      });
      // A java that cannot even be started (ENOENT): no 'exit' follows.
      child.once('error', (error) => {
        this.exitStatus = `could not start: ${error.message}`;
        resolve();
      });
    });
    // Always read stderr, or a chatty JVM would block on a full pipe; only its end is kept.
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-STDERR_KEPT);
    });
    // The validator must not keep a test run alive: unreferenced, it goes when this process goes
    // (its stdin closes with us).
    child.unref();
    for (const stream of [child.stdin, child.stdout, child.stderr])
      (stream as unknown as { unref?: () => void }).unref?.();
  }

  /** Waits for the `listening on <port>` line; fails, with the JVM's stderr, if it exits or takes too long. */
  async listening(): Promise<number> {
    const lines = createInterface({ input: this.child.stdout });
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        new Promise<number>((resolve) => {
          lines.on('line', (line) => {
            const match = /^listening on (\d+)$/.exec(line);
            if (match) resolve(Number(match[1]));
          });
        }),
        this.exited.then(() => {
          throw new Error(`the FHIR validator ended before it listened (${this.exitStatus})${this.stderrTail()}`);
        }),
        new Promise<never>((_resolve, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new Error(
                  `the FHIR validator did not listen within ${STARTUP_TIMEOUT_MS / 1000} s${this.stderrTail()}`,
                ),
              ),
            STARTUP_TIMEOUT_MS,
          );
        }),
      ]);
    } catch (error) {
      await this.stop();
      throw error;
    } finally {
      // The line reader stays: it keeps draining stdout, where nothing more is expected.
      clearTimeout(timer);
    }
  }

  stderrTail(): string {
    return this.stderr.trim() ? `; its stderr:\n${this.stderr.trim()}` : '';
  }

  get running(): boolean {
    return this.exitStatus === undefined;
  }

  /** Closes its stdin (it exits on that) and sends SIGTERM; SIGKILL if it is still there after 5 s. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.child.stdin.end();
    this.child.kill('SIGTERM');
    const killer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(killer);
  }
}

/** The shape of the OperationOutcome the validator answers, as far as read here. */
interface OperationOutcome {
  resourceType: 'OperationOutcome';
  issue?: {
    severity: FhirValidationIssue['severity'];
    diagnostics?: string;
    details?: { text?: string };
    expression?: string[];
    location?: string[];
  }[];
}

class HttpFhirValidator implements FhirValidator {
  constructor(
    private readonly url: string,
    private readonly jvm: ValidatorProcess,
  ) {}

  issues(resource: unknown): Promise<FhirValidationIssue[]> {
    return this.post('/validate', resource);
  }

  async errors(resource: unknown): Promise<FhirValidationIssue[]> {
    return (await this.issues(resource)).filter(isError);
  }

  async expectValid(resource: unknown): Promise<void> {
    const errors = await this.errors(resource);
    if (errors.length > 0) throw new Error(`${describe(resource)} is not valid FHIR R4:\n${listed(errors)}`);
  }

  async addDefinition(definition: unknown): Promise<void> {
    const errors = (await this.post('/StructureDefinition', definition)).filter(isError);
    if (errors.length > 0) {
      throw new Error(`${describe(definition)} was not loaded: the definition itself is not valid:\n${listed(errors)}`);
    }
  }

  stop(): Promise<void> {
    return this.jvm.stop();
  }

  private async post(endpoint: string, resource: unknown): Promise<FhirValidationIssue[]> {
    if (!this.jvm.running) throw new Error(`the FHIR validator has stopped${this.jvm.stderrTail()}`);
    const response = await fetch(`${this.url}${endpoint}`, {
      method: 'POST',
      headers: { 'content-type': 'application/fhir+json' },
      body: typeof resource === 'string' ? resource : JSON.stringify(resource),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    const outcome = parseOutcome(text);
    if (!response.ok || !outcome) {
      throw new Error(`the FHIR validator answered ${response.status} to POST ${endpoint}: ${text.slice(0, 2000)}`);
    }
    return (outcome.issue ?? []).map((issue) => ({
      severity: issue.severity,
      location: issue.expression?.[0] ?? issue.location?.[0] ?? '',
      message: issue.diagnostics ?? issue.details?.text ?? '(no message)',
    }));
  }
}

function parseOutcome(text: string): OperationOutcome | undefined {
  try {
    const parsed = JSON.parse(text) as { resourceType?: unknown };
    return parsed.resourceType === 'OperationOutcome' ? (parsed as OperationOutcome) : undefined;
  } catch {
    return undefined;
  }
}

const isError = (issue: FhirValidationIssue): boolean => issue.severity === 'error' || issue.severity === 'fatal';

const listed = (issues: FhirValidationIssue[]): string =>
  issues.map((issue) => `  - ${issue.severity} at ${issue.location || '(resource)'}: ${issue.message}`).join('\n');

/** `Patient/p1`, `a Patient`, or `the resource`: for the messages. */
function describe(resource: unknown): string {
  let value = resource;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return 'the resource (not JSON)';
    }
  }
  const { resourceType, id, url } = (value ?? {}) as { resourceType?: unknown; id?: unknown; url?: unknown };
  if (typeof resourceType !== 'string') return 'the resource';
  if (resourceType === 'StructureDefinition' && typeof url === 'string') return `StructureDefinition ${url}`;
  return typeof id === 'string' ? `${resourceType}/${id}` : `a ${resourceType}`;
}
