import { clusterBinary } from './binary';
import { startControlPlane } from './control-plane';

/**
 * `npm run cluster`: the suite's control plane for a person. Prints the kubeconfig to use; Ctrl-C stops it (it also
 * stops by itself after CLUSTER_HOURS hours, 4 by default).
 */
async function main(): Promise<void> {
  const binary = clusterBinary();
  if ('skip' in binary) {
    process.stderr.write(`cannot start the control plane: ${binary.skip}\n`);
    process.exit(1);
  }
  const hours = Number(process.env.CLUSTER_HOURS ?? 4);
  process.stderr.write('starting etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok on 127.0.0.1...\n');
  const cluster = await startControlPlane({ binary: binary.path, lifetimeSeconds: Math.round(hours * 3600) });
  const stop = async () => {
    process.stderr.write('\nstopping the control plane...\n');
    await cluster.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  setTimeout(() => void stop(), hours * 3600 * 1000).unref();
  process.stdout.write(
    [
      `control plane ready (logs in ${cluster.dir}); ${cluster.kubectl.binary} matches its version:`,
      '',
      `  export KUBECONFIG=${cluster.kubeconfig}`,
      `  ${cluster.kubectl.binary} get nodes`,
      `  ${cluster.kubectl.binary} apply --server-side -f ../shared/crds/istio-networking.yaml   # before a release on Istio`,
      `  ${cluster.kubectl.binary} apply -f dist/addressbook/stable`,
      '',
      'Ctrl-C stops it.',
      '',
    ].join('\n'),
  );
  // Keep the process alive until a signal arrives.
  setInterval(() => undefined, 1 << 30);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
});
