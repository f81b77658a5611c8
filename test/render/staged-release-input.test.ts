import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { runApp } from '../../lib/cli/run-app';
import { StageStrategy } from '../../lib/model/stage-strategy';
import { EnvValue } from '../../lib/render/env-value';
import { StagedRelease, StagedReleaseProps } from '../../lib/render/staged-release';
import { seedProps } from './staged-fixtures';
import { configError } from '../support/errors';

const errorOf = (props: StagedReleaseProps) => configError(() => new StagedRelease(new App(), 'seamless', props));

const seed = seedProps();
const v2 = seed.smoke;

// [what is wrong, props, field named, part of the message]
const CASES: ReadonlyArray<readonly [string, StagedReleaseProps, string, string]> = [
  // a tier without an image
  ['smoke backend without an image', seedProps({ smoke: { version: 'v2', frontendImage: 'frontend:v2' } as any }), 'smoke.backendImage', 'expected an image reference'],
  ['active frontend without an image', seedProps({ active: { backendImage: 'backend:v1' } as any }), 'active.frontendImage', 'expected an image reference'],
  ['an unpinned image', seedProps({ smoke: { ...v2, frontendImage: 'frontend' } }), 'smoke.frontendImage', 'pinned by a tag or a digest'],
  ['a :latest image', seedProps({ smoke: { ...v2, backendImage: 'backend:latest' } }), 'smoke.backendImage', 'a tag other than "latest"'],
  ['no version at all', seedProps({ smoke: undefined as any }), 'smoke', 'an object with frontendImage and backendImage'],
  // replicas < 1
  ['frontend replicas 0', seedProps({ frontend: { replicas: 0 } }), 'frontend.replicas', 'an integer from 1 to 10000'],
  ['backend replicas -1', seedProps({ backend: { replicas: -1 } }), 'backend.replicas', 'an integer from 1 to 10000'],
  ['smoke replicas 0', seedProps({ frontend: { smokeReplicas: 0 } }), 'frontend.smokeReplicas', 'an integer from 1 to 10000'],
  ['fractional replicas', seedProps({ backend: { replicas: 2.5 } }), 'backend.replicas', 'an integer from 1 to 10000'],
  // smoke and active on the same version
  ['the same version', seedProps({ smoke: { ...v2, version: 'v1' } }), 'smoke.version', 'a version other than the active one ("v1")'],
  ['the same tag by default', seedProps({ active: { frontendImage: 'a/frontend:7', backendImage: 'backend:1' }, smoke: { frontendImage: 'b/frontend:7', backendImage: 'backend:2' } }), 'smoke.version', 'a version other than the active one ("7")'],
  ['the same images', seedProps({ smoke: { ...seed.active, version: 'v2' } }), 'smoke', 'would change nothing'],
  // names that collide
  ['one name for both tiers', seedProps({ backend: { name: 'frontend' } }), 'backend.name', `a tier name other than the frontend's ("frontend")`],
  ['versions that give one object name', seedProps({ active: { ...seed.active, version: '1.0' }, smoke: { ...v2, version: '1_0' } }), 'smoke.version', 'both give backend-1-0'],
  ['versions that differ only in case', seedProps({ active: { ...seed.active, version: 'V2' } }), 'smoke.version', 'both give backend-v2'],
  ['a tier name that cannot begin a Service name', seedProps({ frontend: { name: '9web' } }), 'frontend.name', 'a DNS-1035 label'],
  ['a version too long for a Service name', seedProps({ smoke: { ...v2, version: 'v'.repeat(60) } }), 'backend.name', 'short enough for the Service name'],
  ['a smoke-test Job name too long', seedProps({ frontend: { name: 'f'.repeat(30) }, backend: { name: 'b'.repeat(20) } }), 'smoke.version', 'short enough for the smoke-test Job name'],
  ['an invalid version label', seedProps({ smoke: { ...v2, version: 'v2/beta' } }), 'smoke.version', 'a label value'],
  // the frontend's backend variable
  ['a value for the backend variable', seedProps({ frontend: { env: { BACKEND_URL: EnvValue.fromValue('http://elsewhere') } } }), 'frontend.env.BACKEND_URL', 'it carries the address of the backend'],
  ['an invalid backend variable', seedProps({ frontend: { backendUrlVariable: '1URL' } }), 'frontend.backendUrlVariable', 'an environment variable name'],
  // rollout and other settings
  ['maxSurge 0', seedProps({ maxSurge: 0 }), 'maxSurge', 'an integer from 1 to 10000 or a percentage'],
  ["maxSurge '0%'", seedProps({ maxSurge: '0%' }), 'maxSurge', 'an integer from 1 to 10000 or a percentage'],
  ['negative minReadySeconds', seedProps({ minReadySeconds: -1 }), 'minReadySeconds', 'an integer from 0 to 3600'],
  ['a fixed nodePort', seedProps({ frontend: { ports: [{ containerPort: 8080, nodePort: 30080 }], serviceType: 'NodePort' as any } }), 'frontend.ports[0].nodePort', 'no fixed nodePort'],
  ['an unknown strategy', seedProps({ strategy: 'blue-green' as StageStrategy }), 'strategy', 'one of "isolated", "compatible"'],
  ['an unknown cleanup', seedProps({ cleanup: 'delete' as any }), 'cleanup', 'one of "scale-to-zero", "remove"'],
  ['an unknown placeholder', seedProps({ smokeTest: { expect: '{version}' } }), 'smokeTest.expect', 'placeholders among {frontend}, {frontendVersion}'],
  ['a floating test image', seedProps({ smokeTest: { image: 'curlimages/curl:latest' } }), 'smokeTest.image', 'a tag other than "latest"'],
  ['a deadline shorter than the attempts', seedProps({ smokeTest: { attempts: 10, activeDeadlineSeconds: 60 } }), 'smokeTest.activeDeadlineSeconds', 'an integer ≥ 100'],
  ['a relative test path', seedProps({ smokeTest: { path: 'health' } }), 'smokeTest.path', 'an absolute URL path'],
];

describe('StagedRelease refuses bad input with a ReleaseConfigError naming the field', () => {
  test.each(CASES)('%s', (_, props, field, message) => {
    const e = errorOf(props);
    expect(e.path).toBe('seamless');
    expect(e.field).toBe(field);
    expect(e.message).toContain(message);
    expect(e.message).toMatch(/^seamless: /);
  });
});

describe('bad input writes nothing', () => {
  let dir: string;
  let stderr: jest.SpyInstance;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'staged-'));
    stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    jest.restoreAllMocks();
    process.exitCode = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a previous output stays exactly as it was, and the error is one line with exit code 1', () => {
    const outdir = path.join(dir, 'dist');
    fs.mkdirSync(path.join(outdir, 'seamless'), { recursive: true });
    fs.writeFileSync(path.join(outdir, 'seamless', 'release.json'), 'previous');
    runApp(
      (app) => {
        new StagedRelease(app, 'good', seedProps());
        new StagedRelease(app, 'seamless', seedProps({ smoke: { ...v2, version: 'v1' } }));
      },
      { outdir },
    );
    expect(process.exitCode).toBe(1);
    expect(fs.readdirSync(outdir)).toEqual(['seamless']);
    expect(fs.readFileSync(path.join(outdir, 'seamless', 'release.json'), 'utf8')).toBe('previous');
    expect(fs.readdirSync(dir)).toEqual(['dist']);
    const printed = stderr.mock.calls.map((c) => String(c[0])).join('');
    expect(printed).toBe('error: seamless: smoke.version: "v1" is invalid; expected a version other than the active one ("v1"): the two run side by side and are told apart by it\n');
  });
});
