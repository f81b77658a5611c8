import { k8s } from './k8s';
import { Checks } from '../model/checks';

/**
 * What the container does when its pod is asked to stop, before it gets SIGTERM
 * (the `preStop` hook). When a pod is deleted, the kubelet stops it while, at the same
 * time, the endpoint controllers, kube-proxy, ingress controllers and meshes take it out
 * of rotation; until they have, new requests still reach it. A short wait before SIGTERM
 * lets them finish, so a process that exits promptly on SIGTERM drops no request. Every
 * rolling update of every phase replaces pods this way.
 *
 * The wait counts in `terminationGracePeriodSeconds` (30 s by default): a drain that
 * leaves the process less than 5 s of it to shut down is refused.
 *
 * No drain is set by default, so that the output runs on any Kubernetes version and any
 * image: `Drain.sleep` needs Kubernetes 1.29 or later (the sleep action is on by default
 * from 1.30), `Drain.exec` needs the command in the image (a distroless or scratch
 * image has no `sleep`).
 */
export class Drain {
  /**
   * The kubelet waits `seconds` before SIGTERM (`lifecycle.preStop.sleep`): no shell nor
   * `sleep` binary needed in the image. Needs Kubernetes ≥ 1.29 (on by default from 1.30);
   * an older API server rejects the field.
   */
  public static sleep(seconds: number): Drain {
    return new Drain({ sleep: seconds });
  }

  /**
   * Runs `command` in the container and sends SIGTERM when it ends, e.g.
   * `['sleep', '10']` or the app's own drain command. Works on every Kubernetes version,
   * but the command must exist in the image; a failing command only skips the wait.
   * @param seconds how long the command takes at most, checked against the grace period
   */
  public static exec(command: string[], seconds: number): Drain {
    return new Drain({ exec: command, sleep: seconds });
  }

  /** Whether `x` is a Drain, of this copy of the package or another. */
  public static isDrain(x: unknown): x is Drain {
    return typeof x === 'object' && x !== null && typeof (x as Drain)._render === 'function';
  }

  private constructor(private readonly spec: { sleep: number; exec?: string[] }) {}

  /** @internal The preStop handler, checked to leave the process `minimumShutdown` seconds of the grace period. */
  public _render(check: Checks, field: string, gracePeriod: number, minimumShutdown = 5): { preStop: k8s.LifecycleHandler; seconds: number } {
    const seconds = check.integer(`${field}.seconds`, this.spec.sleep, 1, Math.max(1, gracePeriod - minimumShutdown));
    if (this.spec.exec === undefined) return { preStop: { sleep: { seconds } }, seconds };
    return { preStop: { exec: { command: check.strings(`${field}.command`, this.spec.exec) } }, seconds };
  }
}
