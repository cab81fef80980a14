import { Logger } from '@nestjs/common';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * The portal's Content-Security-Policy: its own scripts and styles only (no inline script,
 * no inline style), and blob: for the reports it shows inline (PDF, images, video).
 */
export const PORTAL_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "frame-src 'self' blob:",
  "object-src 'self' blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'self'",
].join('; ');

/** Vite names every file under assets/ after its content: a changed file is a new URL. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html and the other unhashed files: always revalidated, so a new build is seen at once. */
const REVALIDATE = 'no-cache';

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>MedLedger: portal not built</title></head>
<body>
<h1>The MedLedger portal is not built</h1>
<p>The API is running, but it has no portal to serve. Build it with <code>npm run build -w web</code>
(<code>npm start</code> does this), then reload this page.</p>
</body>
</html>
`;

/** The API's own paths (routes, OpenAPI, Swagger UI), the FHIR facade and the metrics: never the portal's. */
const NOT_PORTAL = /^\/(api|fhir|metrics)(\/|$)/i;

/** Whether the portal answers this request: a GET or HEAD outside /api, /fhir and /metrics. */
export function isPortalRequest(method: string, requestPath: string): boolean {
  return (method === 'GET' || method === 'HEAD') && !NOT_PORTAL.test(requestPath);
}

/**
 * The single-page portal from its build directory: a file when the path names one
 * (hashed assets cached for a year), a missing asset left to the API's 404, and
 * index.html for every other path (the portal's router takes it from there). Every
 * answer carries the portal's Content-Security-Policy. Without a build (no index.html)
 * the pages answer a plain 503 page, and the API runs on.
 */
export function servePortal(distDir: string): RequestHandler {
  const logger = new Logger('Portal');
  const root = path.resolve(distDir);
  const indexFile = path.join(root, 'index.html');
  let warned = false;
  const warnNotBuilt = () => {
    if (warned) return;
    warned = true;
    logger.warn(`the portal is not built (no ${indexFile}): its pages answer 503; run npm run build -w web`);
  };
  if (!existsSync(indexFile)) warnNotBuilt();

  return (request: Request, response: Response, next: NextFunction) => {
    if (!isPortalRequest(request.method, request.path)) return next();
    response.setHeader('Content-Security-Policy', PORTAL_CONTENT_SECURITY_POLICY);
    void (async () => {
      const file = await fileOf(root, request.path);
      if (file)
        return send(
          response,
          file,
          file.startsWith(path.join(root, 'assets') + path.sep) ? IMMUTABLE : REVALIDATE,
          next,
        );
      if (/^\/assets\//.test(request.path)) return next(); // a missing asset is a 404, not the page
      if (!existsSync(indexFile)) {
        warnNotBuilt();
        response.status(503).type('html').setHeader('Cache-Control', 'no-store').send(NOT_BUILT_PAGE);
        return;
      }
      send(response, indexFile, REVALIDATE, next);
    })().catch(next);
  };
}

/** The regular file of the build that a URL path names, or null (a page of the portal, or nothing). */
async function fileOf(root: string, urlPath: string): Promise<string | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const segments = decoded.split('/').filter((segment) => segment !== '');
  // Dot-files and dot-segments are never served (`..` could leave the directory).
  if (segments.length === 0 || segments.some((segment) => segment.startsWith('.') || segment.includes('\\'))) {
    return null;
  }
  const file = path.join(root, ...segments);
  if (!file.startsWith(root + path.sep)) return null;
  const found = await stat(file).catch(() => null);
  return found?.isFile() ? file : null;
}

/** Streams a file with its caching rule; Range, HEAD, ETag and If-None-Match as Express does them. */
function send(response: Response, file: string, cacheControl: string, next: NextFunction): void {
  response.sendFile(
    file,
    { cacheControl: false, dotfiles: 'allow', headers: { 'Cache-Control': cacheControl } },
    (error) => {
      // A client that went away is nothing to answer; a file removed meanwhile is a 404.
      if (error && !response.headersSent) next();
    },
  );
}
