import type { PageRequest } from './ledger.port.js';

/** The two trailing arguments of every paginated chaincode query: page size and bookmark. */
export const pageArgs = (page: PageRequest): [string, string] => [String(page.pageSize), page.bookmark];
