#!/usr/bin/env node
import { runCommand } from './verify-command';

// A reader that stops early (`verify dist | head`) closes the pipe: the rest of the report is
// not wanted, which is no error of the command.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(process.exitCode ?? 0);
  });
}

// The `cdk8s-canary` command: `verify` and `plan` a release before any apply.
process.exitCode = runCommand(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
