// Snapshots live in the top-level __snapshots__/ folder, mirroring test/.
const path = require('path');

const root = path.resolve(__dirname, '..');
const tests = path.join(root, 'test');
const snapshots = path.join(root, '__snapshots__');

module.exports = {
  resolveSnapshotPath: (testPath, ext) => path.join(snapshots, path.relative(tests, testPath) + ext),
  resolveTestPath: (snapshotPath, ext) => path.join(tests, path.relative(snapshots, snapshotPath).slice(0, -ext.length)),
  testPathForConsistencyCheck: path.join(tests, 'example.test.ts'),
};
