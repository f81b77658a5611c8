const os = require('os');

/** @type {import('jest').Config} */
module.exports = {
  // At least two workers, even on two cores: the consumer test mostly waits on npm and the
  // disk, and the other test files run meanwhile.
  maxWorkers: Math.max(2, os.cpus().length - 1),
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // Type checking is done once by `tsc --noEmit` in `npm test`; jest only transpiles.
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  snapshotResolver: '<rootDir>/test/snapshot-resolver.js',
};
