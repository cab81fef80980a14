/**
 * A request's URL as the log may hold it: the path alone, and apart from it the names of
 * the query parameters, never a value. A query value can be PHI (a searched name, a filter
 * on a patient); the names are enough to follow a request through the logs.
 */
export function loggableUrl(url: string): { path: string; query: string[] } {
  const at = url.indexOf('?');
  if (at < 0) return { path: url, query: [] };
  return { path: url.slice(0, at), query: [...new Set(new URLSearchParams(url.slice(at + 1)).keys())] };
}
