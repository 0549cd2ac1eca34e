// One jest run covers unit specs (beside the code), service integration tests (services/*/test)
// and end-to-end tests (e2e/). The global setup starts the real PostgreSQL and Kafka once per run.
const fs = require('node:fs');
const swc = JSON.parse(fs.readFileSync(`${__dirname}/.swcrc`, 'utf8'));

module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/{libs,services}/**/*.spec.ts', '<rootDir>/{libs,services}/*/test/**/*.test.ts', '<rootDir>/e2e/**/*.test.ts', '<rootDir>/tests/packaging/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  modulePathIgnorePatterns: ['<rootDir>/.*/dist/'],
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  moduleNameMapper: { '^@cairn/([a-z-]+)$': '<rootDir>/libs/$1/src' },
  globalSetup: '<rootDir>/libs/testing/src/jest/global-setup.ts',
  globalTeardown: '<rootDir>/libs/testing/src/jest/global-teardown.ts',
  testTimeout: 120000,
};
