import type { OpenAPIObject } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import type { ErrorEnvelope } from './error-envelope.filter.js';
import { OPERATION_METHODS } from './openapi-document.js';

/** A path of the document, as the router matches it, with the methods it has. */
interface KnownPath {
  pattern: RegExp;
  /** How many of its segments are parameters: of the paths a request matches, the fewest name it. */
  parameters: number;
  methods: Set<string>;
}

/** `/api/v1/reports/{id}` → a regular expression that matches what the router routes there. */
function routePattern(path: string): RegExp {
  const source = path
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
    .join('');
  // Like the router: case-insensitive, and a trailing slash is the same path.
  return new RegExp(`^${source}/?$`, 'i');
}

/**
 * The methods a path answers: its operations', HEAD with GET (Express answers it), and
 * OPTIONS. A request path that several paths of the document match is the most specific
 * one's (`/admin/users/search` rather than `/admin/users/{id}`), as the document reads.
 */
function allowedMethods(known: KnownPath[], path: string): Set<string> | undefined {
  const matching = known.filter(({ pattern }) => pattern.test(path));
  if (matching.length === 0) return undefined;
  const fewest = Math.min(...matching.map(({ parameters }) => parameters));
  const allowed = new Set(['OPTIONS']);
  for (const { parameters, methods } of matching) {
    if (parameters !== fewest) continue;
    for (const method of methods) {
      allowed.add(method);
      if (method === 'GET') allowed.add('HEAD');
    }
  }
  return allowed;
}

const ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const byOrder = (a: string, b: string) => ORDER.indexOf(a) - ORDER.indexOf(b);

/**
 * For a path the OpenAPI document knows: a method it does not have is a 405
 * METHOD_NOT_ALLOWED with `Allow` (not the 404 of an unknown route), and OPTIONS is answered
 * with `Allow` (204). Other requests go on. Mounted first (before the body parsers and the
 * routes, before authentication: which methods a path has is no secret, the document is
 * public); it knows the paths once the document is made (`learn`).
 */
export class MethodNotAllowed {
  private known: KnownPath[] = [];

  learn(document: OpenAPIObject): void {
    this.known = Object.entries(document.paths).map(([path, item]) => ({
      pattern: routePattern(path),
      parameters: (path.match(/\{[^}]+\}/g) ?? []).length,
      methods: new Set(OPERATION_METHODS.filter((method) => item[method] !== undefined).map((m) => m.toUpperCase())),
    }));
  }

  readonly middleware = (request: Request & { id?: string }, response: Response, next: NextFunction): void => {
    const allowed = allowedMethods(this.known, request.path);
    if (allowed === undefined || (allowed.has(request.method) && request.method !== 'OPTIONS')) {
      next();
      return;
    }
    const allow = [...allowed].sort(byOrder).join(', ');
    response.setHeader('Allow', allow);
    // The request's body is never read; drained, the connection stays usable for the next request.
    request.resume();
    if (request.method === 'OPTIONS') {
      response.status(204).end();
      return;
    }
    const envelope: ErrorEnvelope = {
      statusCode: 405,
      code: 'METHOD_NOT_ALLOWED',
      message: `${request.method} is not a method of this path; it allows ${allow}`,
      requestId: request.id ?? '',
    };
    response.status(405).json(envelope);
  };
}
