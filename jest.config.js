/**
 * Two tiers, run together by `npm test`:
 * - unit: specs beside the code (chaincode/src, api/src), mocks only at ports;
 * - integration: suites under test/ against the running network started by the scripts.
 * @type {import('jest').Config}
 */
// fabric-contract-api logs every decorator at info level; unit runs only want warnings.
process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'warning';

const tsJest = ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }];

module.exports = {
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  projects: [
    {
      displayName: 'unit',
      rootDir: __dirname,
      roots: ['<rootDir>/chaincode/src', '<rootDir>/api/src'],
      testMatch: ['**/*.spec.ts'],
      transform: { '^.+\\.ts$': tsJest },
      testEnvironment: 'node',
    },
    {
      displayName: 'integration',
      rootDir: __dirname,
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.test.ts'],
      transform: { '^.+\\.ts$': tsJest },
      testEnvironment: 'node',
      testTimeout: 120000,
    },
  ],
};
