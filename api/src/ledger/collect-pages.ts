import type { Page } from './ledger.port.js';

/** Every item of a paginated ledger query, following its bookmarks to the end. */
export async function collectPages<T>(fetchPage: (bookmark: string) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let bookmark = '';
  do {
    const page = await fetchPage(bookmark);
    items.push(...page.items);
    bookmark = page.nextBookmark ?? '';
  } while (bookmark);
  return items;
}
