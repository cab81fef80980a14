import { ApiError } from '../../api/api-error';

/** The failing fields of a 400 in the contract's envelope (`errors: [{field, messages}]`), by field. */
export type FieldErrors = Record<string, string>;

/**
 * An openapi-fetch answer's data; otherwise throws a FormError: the ApiError for the notice,
 * with the failing fields the API listed, to show beside their inputs.
 */
export async function answerWithFields<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const { data, error, response } = await call;
  if (error === undefined && response.ok) return data as T;
  throw new FormError(ApiError.fromBody(error, response), fieldErrorsOf(error));
}

export class FormError extends Error {
  constructor(
    readonly apiError: ApiError,
    readonly fields: FieldErrors,
  ) {
    super(apiError.message);
    this.name = 'FormError';
  }
}

function fieldErrorsOf(body: unknown): FieldErrors {
  const errors = (body as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(errors)) return {};
  const fields: FieldErrors = {};
  for (const entry of errors as Array<{ field?: unknown; messages?: unknown }>) {
    if (typeof entry.field !== 'string' || !Array.isArray(entry.messages)) continue;
    const [first] = entry.messages.filter((message): message is string => typeof message === 'string');
    if (first) fields[entry.field] = sentence(first);
  }
  return fields;
}

const sentence = (text: string) => {
  const trimmed = text.trim();
  return `${trimmed.charAt(0).toUpperCase()}${trimmed.slice(1)}${/[.!?]$/.test(trimmed) ? '' : '.'}`;
};
