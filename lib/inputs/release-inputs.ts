import * as fs from 'fs';
import { ReleaseConfigError } from '../model/errors';

/**
 * Values a pipeline passes to a release (images, versions): read from environment
 * variables first, then from a release file, then from the given fallback. A CI job
 * sets e.g. `ADDRESSBOOK_CANARY_IMAGE=acme/addressbook:$GIT_SHA` and runs `npm run synth`.
 */
export class ReleaseInputs {
  /**
   * Loads the release file (JSON: `{ "<release>": { "<key>": "<value>" } }`) if it exists.
   * @param file @default 'releases.json'
   * @param env @default process.env
   */
  public static load(file = 'releases.json', env: { [name: string]: string | undefined } = process.env): ReleaseInputs {
    let values: { [release: string]: { [key: string]: unknown } } = {};
    if (fs.existsSync(file)) {
      try {
        values = JSON.parse(fs.readFileSync(file, 'utf8'));
      } catch (e) {
        throw new ReleaseConfigError(file, '<file>', (e as Error).message, 'a JSON object of the form { "<release>": { "<key>": "<value>" } }');
      }
      if (typeof values !== 'object' || values === null || Array.isArray(values)) {
        throw new ReleaseConfigError(file, '<file>', values, 'a JSON object of the form { "<release>": { "<key>": "<value>" } }');
      }
    }
    return new ReleaseInputs(file, values, env);
  }

  /** Inputs from the given values only: no file, no environment. */
  public static of(values: { [release: string]: { [key: string]: string } }): ReleaseInputs {
    return new ReleaseInputs('<inline>', values, {});
  }

  private constructor(
    private readonly file: string,
    private readonly values: { [release: string]: { [key: string]: unknown } },
    private readonly env: { [name: string]: string | undefined },
  ) {}

  /** Name of the environment variable that overrides `key` of `release`: `ADDRESSBOOK_CANARY_IMAGE`. */
  public static variableName(release: string, key: string): string {
    const snake = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9]+/g, '_').toUpperCase();
    return `${snake(release)}_${snake(key)}`;
  }

  /** The value of `key` for `release`; an error names the variable and the file when none is set. */
  public get(release: string, key: string, fallback?: string): string {
    const variable = ReleaseInputs.variableName(release, key);
    const fromEnv = this.env[variable];
    if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
    const fromFile = this.values[release]?.[key];
    if (fromFile !== undefined) {
      if (typeof fromFile !== 'string') throw new ReleaseConfigError(this.file, `${release}.${key}`, fromFile, 'a string');
      return fromFile;
    }
    if (fallback !== undefined) return fallback;
    throw new ReleaseConfigError(this.file, `${release}.${key}`, undefined, `a value: set ${variable} or "${key}" under "${release}" in ${this.file}`);
  }
}
