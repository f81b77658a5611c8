import { spawnSync } from 'child_process';
import * as path from 'path';

/** Exit code of the build scripts when Go is missing. */
const NO_GO = 3;

export type ClusterBinary = { readonly path: string } | { readonly skip: string };

/**
 * The control-plane binary: build.sh prints it from its cache, or builds it first (a cold build takes many minutes;
 * .ci/run builds it before the tests). Without Go the answer says why the cluster suite cannot run; any other build
 * failure throws, so that a broken build fails the tests instead of skipping them.
 */
export function clusterBinary(): ClusterBinary {
  return builtBinary('build.sh');
}

/** The Argo Rollouts controller, the same way from build-argo-rollouts.sh (its CRDs are in `crds/` beside it). */
export function argoRolloutsBinary(): ClusterBinary {
  return builtBinary('build-argo-rollouts.sh');
}

function builtBinary(script: string): ClusterBinary {
  if (process.env.CDK8S_CANARY_CLUSTER === 'skip') return { skip: 'CDK8S_CANARY_CLUSTER=skip is set' };
  const result = spawnSync('bash', [path.join(__dirname, script)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60 * 60_000 });
  if (result.status === NO_GO) return { skip: result.stderr.trim() };
  if (result.status !== 0) throw new Error(`test/cluster/${script} failed (exit ${result.status ?? result.signal}):\n${result.stderr}`);
  return { path: result.stdout.trim().split('\n').pop()! };
}
