/** Name of the command the package installs (package.json "bin"). */
export const CLI = 'cdk8s-canary';

/**
 * The subcommands of the command that the pipelines and the consumer test run, with
 * their arguments for one release's output folder. One list for both tests.
 */
export const CLI_SUBCOMMANDS: { readonly [name: string]: (releaseDir: string) => string[] } = {
  verify: (dir) => ['verify', dir],
  'verify --format github': (dir) => ['verify', '--format', 'github', dir],
  plan: (dir) => ['plan', dir],
  'plan --format mermaid': (dir) => ['plan', '--format', 'mermaid', dir],
  'plan --format markdown': (dir) => ['plan', '--format', 'markdown', dir],
  'prune-flags': (dir) => ['prune-flags', dir],
};

/** Whether the package (its package.json) ships the command. */
export function shipsCli(pkg: { bin?: string | { [name: string]: string } }): boolean {
  return typeof pkg.bin === 'object' && pkg.bin !== null && CLI in pkg.bin;
}
