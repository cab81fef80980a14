/** Base URL of the API that `npm start` / `npm test` started. */
export const API_URL = process.env.API_URL ?? 'http://127.0.0.1:3000';

export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed JSON body, or undefined when the body is not JSON. */
  body: unknown;
}

/**
 * The APIs the suites run case-report tests against, one per content store: `npm test`
 * starts a second API with the embedded Helia store beside the one on Kubo.
 */
export function contentStoreApis(): Array<[store: string, apiUrl: string]> {
  const helia = process.env.HELIA_API_URL;
  if (!helia) throw new Error('HELIA_API_URL is not set: run the suites through npm test, which starts the Helia API');
  return [
    ['Kubo', API_URL],
    ['embedded Helia', helia],
  ];
}

/** Calls the running API and returns status, headers and body as a user of the API sees them. */
export async function callApi(path: string, init: RequestInit = {}, apiUrl = API_URL): Promise<ApiResponse> {
  const response = await fetch(`${apiUrl}${path}`, { ...init, signal: init.signal ?? AbortSignal.timeout(30_000) });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, text, body };
}

/** Asserts the contract's error envelope and that nothing internal leaks into it. */
export function expectErrorEnvelope(response: ApiResponse, statusCode: number, code?: string): void {
  expect(response.status).toBe(statusCode);
  expect(response.body).toMatchObject({
    statusCode,
    code: code ?? expect.stringMatching(/^[A-Z_]+$/),
    message: expect.any(String),
  });
  expect((response.body as { requestId: string }).requestId).toBe(response.headers.get('x-request-id'));
  expect(response.text).not.toMatch(/\bat \S+ \(|node_modules|\.ts:\d+|Error: /);
}
