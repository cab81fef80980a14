import { describe, expect, it, jest } from '@jest/globals';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { MethodNotAllowed } from './method-not-allowed.js';

const operation = { responses: {} };
const DOCUMENT = {
  openapi: '3.0.0',
  info: { title: 't', version: '1' },
  paths: {
    '/api/v1/reports': { get: operation, post: operation },
    '/api/v1/reports/{id}': { get: operation },
    '/api/v1/admin/users/search': { get: operation },
    '/api/v1/admin/users/{id}': { patch: operation },
    '/metrics': { get: operation },
  },
} as unknown as OpenAPIObject;

/** What the middleware did with a request: passed it on, or answered (status, Allow, body). */
function handle(method: string, path: string, learned = true) {
  const methods = new MethodNotAllowed();
  if (learned) methods.learn(DOCUMENT);
  const headers: Record<string, string> = {};
  const answer: { status?: number; body?: unknown; ended?: boolean } = {};
  const response = {
    setHeader: (name: string, value: string) => (headers[name.toLowerCase()] = value),
    status: (status: number) => {
      answer.status = status;
      return response;
    },
    json: (body: unknown) => (answer.body = body),
    end: () => (answer.ended = true),
  } as unknown as Response;
  const request = { method, path, id: 'req-1', resume: jest.fn() } as unknown as Request & { id?: string };
  const next = jest.fn() as unknown as NextFunction;
  methods.middleware(request, response, next);
  return { passed: (next as unknown as jest.Mock).mock.calls.length === 1, headers, answer };
}

describe('MethodNotAllowed', () => {
  it.each([
    ['GET', '/api/v1/reports'],
    ['POST', '/api/v1/reports'],
    ['HEAD', '/api/v1/reports/7c9e6679-7425-40de-944b-e07fc1f90ae7'],
    ['GET', '/API/V1/REPORTS/'],
    ['PATCH', '/api/v1/admin/users/7c9e6679-7425-40de-944b-e07fc1f90ae7'],
    ['TRACE', '/api/v1/unknown'],
    ['DELETE', '/'],
  ])('passes %s %s on (a method of the path, or a path the document does not know)', (method, path) => {
    expect(handle(method, path).passed).toBe(true);
  });

  it.each([
    ['TRACE', '/api/v1/reports', 'GET, HEAD, POST, OPTIONS'],
    ['PUT', '/api/v1/reports/anything', 'GET, HEAD, OPTIONS'],
    ['QUERY', '/api/v1/reports', 'GET, HEAD, POST, OPTIONS'],
    ['POST', '/metrics', 'GET, HEAD, OPTIONS'],
    // The most specific path names a request: /admin/users/search is not /admin/users/{id}.
    ['PATCH', '/api/v1/admin/users/search', 'GET, HEAD, OPTIONS'],
  ])('answers %s %s with 405 METHOD_NOT_ALLOWED and Allow: %s', (method, path, allow) => {
    const { passed, headers, answer } = handle(method, path);
    expect(passed).toBe(false);
    expect(headers.allow).toBe(allow);
    expect(answer).toMatchObject({
      status: 405,
      body: { statusCode: 405, code: 'METHOD_NOT_ALLOWED', requestId: 'req-1', message: expect.any(String) },
    });
  });

  it('answers OPTIONS with 204 and the methods of the path', () => {
    const { passed, headers, answer } = handle('OPTIONS', '/api/v1/admin/users/7c9e6679-7425-40de-944b-e07fc1f90ae7');
    expect(passed).toBe(false);
    expect(headers.allow).toBe('PATCH, OPTIONS');
    expect(answer).toEqual({ status: 204, ended: true });
  });

  it('passes everything on until it has learned the document', () => {
    expect(handle('TRACE', '/api/v1/reports', false).passed).toBe(true);
  });
});
