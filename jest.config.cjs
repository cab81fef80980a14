/**
 * Four tiers, run together by `npm test`:
 * - unit: specs beside the code (chaincode/src, api/src), mocks only at ports;
 * - integration: suites under test/integration against the real network, PostgreSQL and IPFS;
 * - e2e: suites under test/e2e over HTTP against the API that the scripts started;
 * - browser: suites under test/browser driving the web portal that API serves, in Debian's
 *   Chromium through playwright-core (scripts/chromium.sh; test/support/browser.ts);
 * - contract: schemathesis (scripts/schemathesis.sh) fuzzing that API from its OpenAPI
 *   document with every check, one run per role (test/contract).
 * @type {import('jest').Config}
 */
// fabric-contract-api logs every decorator at info level; unit runs only want warnings.
process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'warning';

const commonJs = { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/chaincode/tsconfig.json' }] };
// The API, the suites and the benchmarks are ES modules (Nest 12, Helia and kubo-rpc-client are).
const esModules = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', useESM: true }] },
};

module.exports = {
  // Integration suites wait for real components (a peer restarting, a 45 MiB add).
  testTimeout: 120000,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.cjs'],
  projects: [
    {
      displayName: 'unit',
      rootDir: __dirname,
      roots: ['<rootDir>/chaincode/src'],
      testMatch: ['**/*.spec.ts'],
      transform: commonJs,
      testEnvironment: 'node',
    },
    {
      displayName: 'unit',
      rootDir: __dirname,
      roots: ['<rootDir>/api/src'],
      testMatch: ['**/*.spec.ts'],
      testEnvironment: 'node',
      ...esModules,
    },
    {
      displayName: 'integration',
      rootDir: __dirname,
      roots: ['<rootDir>/test/integration'],
      testMatch: ['**/*.test.ts'],
      testEnvironment: 'node',
      ...esModules,
    },
    {
      displayName: 'e2e',
      rootDir: __dirname,
      roots: ['<rootDir>/test/e2e'],
      testMatch: ['**/*.test.ts'],
      testEnvironment: 'node',
      ...esModules,
    },
    {
      displayName: 'browser',
      rootDir: __dirname,
      roots: ['<rootDir>/test/browser'],
      testMatch: ['**/*.test.ts'],
      testEnvironment: 'node',
      ...esModules,
    },
    {
      displayName: 'contract',
      rootDir: __dirname,
      roots: ['<rootDir>/test/contract'],
      testMatch: ['**/*.test.ts'],
      testEnvironment: 'node',
      ...esModules,
    },
  ],
};
