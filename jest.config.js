/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Fault tests kill processes and restart servers: `npm run test:faults` runs them on their own.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/faults/'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  setupFiles: ['reflect-metadata'],
  // Every answer a test gets from an HTTP server in its process must be one the document describes.
  setupFilesAfterEnv: ['<rootDir>/test/support/every-answer-described.ts'],
  testTimeout: 60000,
  maxWorkers: 2,
};
