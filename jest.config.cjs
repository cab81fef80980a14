/**
 * Two tiers, run together by `npm test`:
 * - unit: specs beside the code (chaincode/src, api/src), mocks only at ports;
 * - integration: suites under test/ against the running network started by the scripts.
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
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.test.ts'],
      ...esModules,
      testEnvironment: 'node',
      testTimeout: 120000,
    },
  ],
};
