import type { Bundle, BundleEntry, BundleLink, Resource } from '@medplum/fhirtypes';
import type { FhirLinks } from './fhir-links.js';

/** The absolute URL of a resource: a Bundle entry's fullUrl. */
export const resourceUrl = (links: FhirLinks, resource: Resource): string =>
  `${links.fhirBase}/${resource.resourceType}/${resource.id ?? ''}`;

/** A search result's entry: the resource with its fullUrl and why it is there. */
const entryOf = <T extends Resource>(links: FhirLinks, resource: T, mode: 'match' | 'include'): BundleEntry<T> => ({
  fullUrl: resourceUrl(links, resource),
  resource,
  search: { mode },
});

/** FHIR has no empty arrays: a Bundle without entries has no `entry`. */
const withEntries = <T extends Resource>(entries: BundleEntry<T>[]) => (entries.length > 0 ? { entry: entries } : {});

/**
 * The URL of a search with its own parameters, optionally continued at a cursor: the
 * Bundle's `self` and `next` links.
 */
export function searchUrl(links: FhirLinks, path: string, query: Record<string, unknown>, cursor?: string): string {
  const parameters = new URLSearchParams();
  for (const [key, raw] of Object.entries(query)) {
    if (key === '_cursor') continue;
    for (const value of Array.isArray(raw) ? raw : [raw]) parameters.append(key, String(value));
  }
  if (cursor !== undefined) parameters.append('_cursor', cursor);
  const text = parameters.toString();
  return `${links.fhirBase}/${path}${text ? `?${text}` : ''}`;
}

/** A page of a search: its resources, and the cursor of the next page (null on the last). */
export interface FhirPage<T extends Resource> {
  resources: T[];
  nextCursor: string | null;
}

/**
 * A searchset Bundle of one page: each resource with its fullUrl, `self` naming this page and
 * `next` the following one; `total` only when the whole result is in it.
 */
export function searchsetBundle<T extends Resource>(
  links: FhirLinks,
  request: { path: string; query: Record<string, unknown> },
  page: FhirPage<T>,
): Bundle<T> {
  const link: BundleLink[] = [
    { relation: 'self', url: searchUrl(links, request.path, request.query, cursorOf(request)) },
  ];
  if (page.nextCursor !== null) {
    link.push({ relation: 'next', url: searchUrl(links, request.path, request.query, page.nextCursor) });
  }
  const whole = page.nextCursor === null && cursorOf(request) === undefined;
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    ...(whole ? { total: page.resources.length } : {}),
    link,
    ...withEntries(page.resources.map((resource) => entryOf(links, resource, 'match'))),
  };
}

function cursorOf(request: { query: Record<string, unknown> }): string | undefined {
  const cursor = request.query._cursor;
  return typeof cursor === 'string' ? cursor : undefined;
}

/**
 * A whole result in one searchset Bundle (`$everything`): the matches, then what they refer
 * to (`include`), with its total and its `self` link.
 */
export function wholeResultBundle(links: FhirLinks, path: string, matches: Resource[], included: Resource[]): Bundle {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total: matches.length,
    link: [{ relation: 'self', url: `${links.fhirBase}/${path}` }],
    ...withEntries([
      ...matches.map((resource) => entryOf(links, resource, 'match')),
      ...included.map((resource) => entryOf(links, resource, 'include')),
    ]),
  };
}
