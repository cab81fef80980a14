import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { clientTypesOf, fetchOpenApiDocument, GENERATED_CLIENT_TYPES } from '../../web/scripts/openapi-client.js';
import { API_URL } from '../support/api.js';
import { PROJECT_DIR } from '../support/network-profile.js';

/**
 * The portal's typed client is generated from the API's OpenAPI document and committed.
 * When a route or a DTO changes and nobody ran `npm run web:client`, the portal would call
 * the API with shapes it no longer has: this fails first.
 */
describe('the portal client', () => {
  it('matches the OpenAPI document of the running API (run `npm run web:client` when it does not)', async () => {
    const committed = await readFile(join(PROJECT_DIR, GENERATED_CLIENT_TYPES), 'utf8');
    const current = await clientTypesOf(await fetchOpenApiDocument(API_URL));
    expect(committed).toBe(current);
  });

  it('is generated from every route the document lists', async () => {
    const document = await fetchOpenApiDocument(API_URL);
    const committed = await readFile(join(PROJECT_DIR, GENERATED_CLIENT_TYPES), 'utf8');
    const paths = Object.keys(document.paths ?? {});
    expect(paths.length).toBeGreaterThan(30);
    for (const path of paths) expect(committed).toContain(`"${path}": {`);
  });
});
