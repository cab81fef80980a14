/** `npm run web:client`: regenerates the portal's client types from the running API. */
import { writeFile } from 'node:fs/promises';
import { clientTypesOf, fetchOpenApiDocument, GENERATED_CLIENT_TYPES } from './openapi-client.js';

const apiUrl = process.env.API_URL ?? 'http://127.0.0.1:3000';
await writeFile(GENERATED_CLIENT_TYPES, await clientTypesOf(await fetchOpenApiDocument(apiUrl)));
console.log(`${GENERATED_CLIENT_TYPES} written from ${apiUrl}/api/docs-json`);
