#!/usr/bin/env node
import { runCommand } from './verify-command';

// The `cdk8s-canary` command: `verify` and `plan` a release before any apply.
process.exitCode = runCommand(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
