/**
 * Bounds on sizes that Kubernetes would accept but that are certainly a mistake, and
 * would make synthesis slow or the output unreadable. Raise them if a real release
 * needs more.
 */
export const Limits = {
  /** Pods of one track. */
  MAX_REPLICAS: 10000,
  /** Canary steps of one release: each is a phase that a pipeline applies and watches. */
  MAX_STEPS: 20,
  /** Seconds of any wait the library writes (minReadySeconds, probe and smoke-test timings): an hour. */
  MAX_SECONDS: 3600,
} as const;
