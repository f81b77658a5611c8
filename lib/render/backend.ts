import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Stage, stageSelector } from '../model/stage-strategy';
import { Tier } from './tier';
import { ResolvedConfig } from './released-config';
import { ResolvedRollingUpdate } from './workload';

export interface BackendProps {
  /** Value of `app.kubernetes.io/instance`. */
  readonly release: string;
  /** @default - no namespace in the manifests */
  readonly namespace?: string;
  /** The backend tier: its ports, probes and pod options. */
  readonly tier: Tier;
  /** Name of the Deployment and of the Service frontends call: `backend-v1`, `backend-active`. */
  readonly name: string;
  /** Version the backend runs: value of its version labels. */
  readonly version: string;
  /** Image the backend runs. */
  readonly image: string;
  /** Desired pod count. */
  readonly replicas: number;
  /**
   * The stage this backend serves for all its life, upgraded in place (compatible
   * strategy). Without one, the backend serves one version for all its life and its
   * pods are selected by `deploy-version`.
   * @default - bound to its version
   */
  readonly stage?: Stage;
  /** How its pods are replaced when the image changes. */
  readonly rollingUpdate: ResolvedRollingUpdate;
  /** Released configuration of its version. @default - the tier's config */
  readonly config?: ResolvedConfig;
}

/**
 * A backend Deployment and the Service through which frontends call it, in one phase.
 * A frontend stage is given the Backend it calls and learns its `url`.
 */
export class Backend extends Construct {
  /** Name of the Service frontends call. */
  public readonly serviceName: string;
  /** Name of the backend's tier (`app.kubernetes.io/name`). */
  public readonly tierName: string;
  public readonly version: string;
  /** Address of the Service inside the namespace: `http://backend-v2:80`. */
  public readonly url: string;
  public readonly deployment: ApiObject;
  /** Absent while the Deployment is scaled to zero. */
  public readonly service?: ApiObject;

  constructor(scope: Construct, id: string, props: BackendProps) {
    super(scope, id);
    this.serviceName = props.name;
    this.tierName = props.tier.name;
    this.version = props.version;
    this.url = props.tier.url(props.name);
    const rendered = props.tier.render(this, {
      release: props.release,
      namespace: props.namespace,
      name: props.name,
      version: props.version,
      image: props.image,
      replicas: props.replicas,
      selector: stageSelector(props.stage, props.version),
      serviceType: props.stage === 'smoke' ? props.tier.smokeServiceType : props.tier.serviceType,
      production: props.stage !== 'smoke',
      config: props.config,
      rollingUpdate: props.rollingUpdate,
    });
    this.deployment = rendered.deployment;
    this.service = rendered.service;
  }
}
