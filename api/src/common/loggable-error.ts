/**
 * What the logs may keep of an error. An error that carries a database query (TypeORM's
 * QueryFailedError) holds the SQL's parameters (e-mail addresses, names, keys…) and the
 * driver's error, whose message and detail can quote a value: of such an error, and of any
 * error with one among its causes, only names, codes and stack frames are logged.
 * Shared by the exception filter, the request log's error serializer and the database's
 * logger.
 */

/** How deep the causes (and aggregated errors) of an error are followed. */
const MAX_CAUSE_DEPTH = 5;

/**
 * An error that carries a database query, such as TypeORM's QueryFailedError: it holds the
 * SQL, its parameters (e-mail addresses, names, keys…) and the driver's error, whose message
 * can quote a value. Known by its shape, so that common/ does not import TypeORM.
 */
export function carriesQuery(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && ('driverError' in error || 'parameters' in error || 'query' in error)
  );
}

/** Whether an error, one of its causes or one of the errors it aggregates carries a query. */
export function involvesQuery(error: unknown, depth = 0): boolean {
  if (depth > MAX_CAUSE_DEPTH || typeof error !== 'object' || error === null) return false;
  if (carriesQuery(error)) return true;
  const { cause, errors } = error as { cause?: unknown; errors?: unknown };
  return (
    involvesQuery(cause, depth + 1) ||
    (Array.isArray(errors) && errors.some((inner: unknown) => involvesQuery(inner, depth + 1)))
  );
}

/** What the log keeps of an error that involves a query: nothing a value can be written into. */
export interface ErrorWithoutValues {
  type: string;
  /** The driver's SQLSTATE (or socket error code). */
  code?: string;
  routine?: string;
  table?: string;
  constraint?: string;
  /** The stack frames, without the message. */
  stack?: string;
  cause?: ErrorWithoutValues;
  aggregateErrors?: ErrorWithoutValues[];
}

/**
 * An error and its causes as the log may show them when a query is among them: names, the
 * driver's codes and the names of what failed, and stack frames. No message at all, since an
 * error wrapping a query error may repeat its message in its own.
 */
export function withoutValues(error: unknown, depth = 0): ErrorWithoutValues {
  if (typeof error !== 'object' || error === null) return { type: typeof error };
  const shown: ErrorWithoutValues = { type: nameOf(error) };
  if (carriesQuery(error)) Object.assign(shown, databaseFacts(error));
  if (error instanceof Error) {
    const frames = stackFrames(error);
    if (frames) shown.stack = frames;
  }
  if (depth < MAX_CAUSE_DEPTH) {
    const { cause, errors } = error as { cause?: unknown; errors?: unknown };
    if (cause !== undefined) shown.cause = withoutValues(cause, depth + 1);
    if (Array.isArray(errors)) shown.aggregateErrors = errors.map((inner: unknown) => withoutValues(inner, depth + 1));
  }
  return shown;
}

/** The error's name (QueryFailedError…), or its constructor's. */
function nameOf(error: object): string {
  const { name, constructor } = error as { name?: unknown; constructor?: { name?: unknown } };
  if (typeof name === 'string' && name !== '') return name;
  return typeof constructor?.name === 'string' && constructor.name !== '' ? constructor.name : 'Object';
}

type DatabaseFacts = Pick<ErrorWithoutValues, 'code' | 'routine' | 'table' | 'constraint'>;

/**
 * The driver's SQLSTATE, routine and the names of the table and constraint, where it gives
 * them; never `detail`, `where` or `internalQuery`, which quote values.
 */
export function databaseFacts(error: object): DatabaseFacts {
  const { driverError } = error as { driverError?: unknown };
  const driver = (typeof driverError === 'object' && driverError !== null ? driverError : {}) as Record<
    string,
    unknown
  >;
  const own = error as Record<string, unknown>;
  const facts: DatabaseFacts = {};
  for (const key of ['code', 'routine', 'table', 'constraint'] as const) {
    const value = driver[key] ?? own[key];
    if (typeof value === 'string') facts[key] = value;
  }
  return facts;
}

/**
 * The frames of an error's stack. The message heads the stack and can span lines, so what
 * follows the message is kept, and of that only the `at …` lines.
 */
function stackFrames(error: Error): string | undefined {
  const { stack, message } = error;
  if (typeof stack !== 'string') return undefined;
  const messageAt = message ? stack.indexOf(message) : -1;
  const afterMessage = messageAt >= 0 ? stack.slice(messageAt + message.length) : stack;
  const frames = afterMessage.split('\n').filter((line) => /^\s+at /.test(line));
  return frames.length > 0 ? frames.join('\n') : undefined;
}

/**
 * An error in one line for a log message: its message, or, when a query is involved, the
 * names and SQLSTATEs of it and its causes (`QueryFailedError [22P02]`), never a message.
 */
export function errorSummary(error: unknown): string {
  if (!involvesQuery(error)) return error instanceof Error ? error.message : String(error);
  const names: string[] = [];
  for (let shown: ErrorWithoutValues | undefined = withoutValues(error); shown; shown = shown.cause) {
    names.push(shown.code === undefined ? shown.type : `${shown.type} [${shown.code}]`);
  }
  return names.join(' <- ');
}
