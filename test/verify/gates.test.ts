import { brief, distRelease, Doc, editObject, findings } from './builders';

const DARK_JOB = 'addressbook-smoke-dark-1-1-0';
const ANALYSIS_JOB = 'addressbook-analysis-canary-33-1-1-0';
const URL_FIELD = 'spec.template.spec.containers[0].env.URL';

describe('gates', () => {
  const addressbook = distRelease('addressbook');
  const breakJob = (phase: string, name: string, edit: (d: Doc) => void, check = 'gate') => findings(editObject(addressbook, [phase], 'Job', name, edit), check as 'gate').map(brief);
  const breakDark = (edit: (d: Doc) => void) => breakJob('dark', DARK_JOB, edit);
  const at = (field: string, message: string, phase = 'dark', job = DARK_JOB) => ({ check: 'gate', phase, object: `Job/${job}`, field, message });
  const setEnv = (d: Doc, name: string, value: string) => (d.spec.template.spec.containers[0].env.find((e: { name: string }) => e.name === name).value = value);

  test('the synthesized examples with gates have no gate findings', () => {
    for (const r of ['addressbook', 'seamless', 'seamless-compatible', 'sockshop-istio', 'sockshop-gateway-api']) expect(findings(distRelease(r), 'gate')).toEqual([]);
  });

  test('an HTTP gate requesting a Service its phase does not have', () => {
    expect(breakDark((d) => setEnv(d, 'URL', 'http://addressbook-preview:80/ready'))).toEqual([
      at(URL_FIELD, 'requests addressbook-preview, which is no Service of the phase (addressbook-canary, addressbook-lb)'),
    ]);
  });

  test('an HTTP gate requesting a port its Service lacks, named or implied', () => {
    expect(breakDark((d) => setEnv(d, 'URL', 'http://addressbook-canary:3000/ready'))).toEqual([at(URL_FIELD, 'requests port 3000 of Service/addressbook-canary, which has 80')]);
    expect(breakDark((d) => setEnv(d, 'URL', 'https://addressbook-canary/ready'))).toEqual([at(URL_FIELD, 'requests port 443 of Service/addressbook-canary, which has 80')]);
    expect(breakDark((d) => setEnv(d, 'URL', 'addressbook-canary'))).toEqual([at(URL_FIELD, '"addressbook-canary" is not the http address of a Service (http://<service>:<port>/<path>)')]);
  });

  test('a namespace-qualified host is looked up in that namespace', () => {
    expect(breakDark((d) => setEnv(d, 'URL', 'http://addressbook-canary.default.svc.cluster.local:80/ready'))).toEqual([]);
  });

  test('no activeDeadlineSeconds, no backoffLimit', () => {
    expect(
      breakDark((d) => {
        delete d.spec.activeDeadlineSeconds;
        delete d.spec.backoffLimit;
      }),
    ).toEqual([
      at('spec.backoffLimit', 'is unset: Kubernetes retries a failed pod 6 times, so the gate fails late; set it (0: the gate retries its measurements itself)'),
      at('spec.activeDeadlineSeconds', 'is unset: a gate that hangs would keep the pipeline waiting; set it to the longest the gate may take'),
    ]);
  });

  test('a name that does not change with the versions under test', () => {
    expect(breakJob('canary-33', ANALYSIS_JOB, (d) => (d.metadata.annotations['cdk8s-canary.io/versions-under-test'] = '1.0.0'))).toEqual([
      at('metadata.name', 'lacks "1-0-0", the version under test 1.0.0: a Job\'s template is immutable and a finished Job never runs again, so its name must change with the versions it tests', 'canary-33', ANALYSIS_JOB),
    ]);
    // A Job edited by hand for a new canary, its name left as it was.
    const renamed = findings(
      editObject(distRelease('addressbook'), ['canary-33'], 'Deployment', 'addressbook-canary', (d) => {
        d.metadata.labels['app.kubernetes.io/version'] = '1.2.0';
        d.spec.template.metadata.labels['app.kubernetes.io/version'] = '1.2.0';
      }),
      'gate',
    ).map(brief);
    expect(renamed).toEqual([at('metadata.annotations.cdk8s-canary.io/versions-under-test', 'names 1.1.0, which no workload of the phase runs (1.2.0, 1.0.0)', 'canary-33', ANALYSIS_JOB)]);
    expect(breakDark((d) => delete d.metadata.annotations['cdk8s-canary.io/versions-under-test'])).toEqual([
      at('metadata.annotations.cdk8s-canary.io/versions-under-test', 'is unset: the versions under test tell which release the Job belongs to'),
    ]);
  });

  test('staged versions under test are matched part by part', () => {
    const seamless = distRelease('seamless');
    const job = 'smoke-test-smoke-frontend-v2-backend-v2';
    const broken = findings(editObject(seamless, ['smoke'], 'Job', job, (d) => (d.metadata.annotations['cdk8s-canary.io/versions-under-test'] = 'frontend=v2,backend=v1')), 'gate').map(brief);
    expect(broken.map((f) => f.message)).toEqual([
      'lacks "backend-v1", the version under test backend=v1: a Job\'s template is immutable and a finished Job never runs again, so its name must change with the versions it tests',
    ]);
  });

  test('an image of a gate on a floating tag is a policy finding, as for every workload', () => {
    expect(breakJob('dark', DARK_JOB, (d) => (d.spec.template.spec.containers[0].image = 'curlimages/curl:latest'), 'policy').map((f) => f.message)).toEqual([
      '"curlimages/curl:latest" is invalid; expected a tag other than "latest" (or a digest): a floating tag cannot be rolled back',
    ]);
  });

  test('a Job without the gate annotation is not a gate', () => {
    expect(breakDark((d) => {
      delete d.metadata.annotations['cdk8s-canary.io/gate'];
      delete d.spec.backoffLimit;
    })).toEqual([]);
  });
});
