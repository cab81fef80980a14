import createClient from 'openapi-fetch';
import { accessToken, refreshAccessToken, requireSecondFactorEnrolment } from '../session/session';
import { ApiError } from './api-error';
import type { components, paths } from './openapi';

export type Schemas = components['schemas'];

/**
 * The portal's one way to the API: typed from the OpenAPI document, the access token from
 * memory, and one transparent refresh when the API says the token expired.
 */
export const api = createClient<paths>({ baseUrl: '', fetch: authorisedFetch });

/** Sends a request with the session's access token; after a 401, refreshes once and retries. */
export async function authorisedFetch(request: Request): Promise<Response> {
  const retry = request.clone();
  const response = await sendWithToken(request, await accessToken());
  if (response.status !== 401 || isAuthRoute(request)) return response;
  const token = await refreshAccessToken();
  return token ? sendWithToken(retry, token) : response;
}

async function sendWithToken(request: Request, token: string | null): Promise<Response> {
  if (token) request.headers.set('Authorization', `Bearer ${token}`);
  try {
    return await fetch(request);
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw ApiError.unreachable();
  }
}

const isAuthRoute = (request: Request) =>
  /\/api\/v1\/auth\/(login|refresh|register)$/.test(new URL(request.url).pathname);

/** The data of an openapi-fetch answer, or its error as an ApiError. */
export async function answer<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (error !== undefined || !response.ok) {
    const failure = ApiError.fromBody(error, response);
    // A session from a password alone whose second factor is still to be set up (staff).
    if (failure.code === 'SECOND_FACTOR_ENROLMENT_REQUIRED') requireSecondFactorEnrolment();
    throw failure;
  }
  return data as T;
}
