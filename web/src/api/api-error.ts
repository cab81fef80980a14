/** The contract's error envelope, as the portal shows it to a user. */
export interface ErrorEnvelope {
  statusCode: number;
  code: string;
  message: string;
  requestId: string;
  [detail: string]: unknown;
}

/** An answer other than success from the API, or no answer at all (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string | null,
    /** Seconds the API asked to wait (`Retry-After`), when it did. */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** A backing component (ledger, IPFS, database) is unavailable: the user may try again. */
  get isUnavailable(): boolean {
    return this.status === 503 || this.status === 0;
  }

  static async fromResponse(response: Response): Promise<ApiError> {
    const body: unknown = await response
      .clone()
      .json()
      .catch(() => null);
    return ApiError.fromBody(body, response);
  }

  /** From a body openapi-fetch has already read. */
  static fromBody(body: unknown, response: Response): ApiError {
    const retryAfter = Number(response.headers.get('retry-after'));
    const requestId = response.headers.get('x-request-id');
    return new ApiError(
      response.status,
      isEnvelope(body) ? body.code : `HTTP_${response.status}`,
      isEnvelope(body) ? body.message : response.statusText || 'The server answered with an error.',
      isEnvelope(body) ? (body.requestId ?? requestId) : requestId,
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
    );
  }

  static unreachable(): ApiError {
    return new ApiError(0, 'NETWORK_ERROR', 'MedLedger cannot be reached. Check your connection.', null);
  }
}

function isEnvelope(body: unknown): body is ErrorEnvelope {
  return typeof body === 'object' && body !== null && 'code' in body && 'message' in body;
}
