/**
 * A request's URL as the log may hold it: the path, and the names of the query parameters
 * with their values left out. A query value can be PHI (a searched name, a filter on a
 * patient); the names are enough to follow a request through the logs.
 */
export function loggableUrl(url: string): string {
  const at = url.indexOf('?');
  if (at < 0) return url;
  const names = [...new URLSearchParams(url.slice(at + 1)).keys()];
  return names.length === 0 ? url.slice(0, at) : `${url.slice(0, at)}?${names.map((name) => `${name}=…`).join('&')}`;
}
