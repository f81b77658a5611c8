/** Input that cannot be read at all: a missing path, broken YAML, an invalid release.json. */
export class ManifestReadError extends Error {
  public readonly name = 'ManifestReadError';
  constructor(
    public readonly file: string,
    public readonly problem: string,
    /** Line of the problem in `file`, from 1, when it is known. */
    public readonly line?: number,
  ) {
    super(`${file}: ${problem}`);
  }
}
