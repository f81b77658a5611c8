import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { ResolvedConfig } from './released-config';
import { ReleaseConfigError } from '../model/errors';
import { Stage, stageSelector } from '../model/stage-strategy';
import { Backend } from './backend';
import { Tier } from './tier';
import { ResolvedRollingUpdate } from './workload';

/** What every copy of the frontend needs to know. */
export interface FrontendStageProps {
  /** Value of `app.kubernetes.io/instance`. */
  readonly release: string;
  /** @default - no namespace in the manifests */
  readonly namespace?: string;
  /** The frontend tier. */
  readonly tier: Tier;
  /** Version the frontend runs: value of its version labels. */
  readonly version: string;
  /** Image the frontend runs. */
  readonly image: string;
  /** @default - the tier's replicas (active) or smokeReplicas (smoke) */
  readonly replicas?: number;
  /** The backend this copy calls: it must belong to the same phase. */
  readonly backend: Backend;
  /** Variable that carries the backend's address to the frontend, e.g. `BACKEND_URL=http://backend-v2:80`. */
  readonly backendUrlVariable: string;
  /** How its pods are replaced when the image changes. */
  readonly rollingUpdate: ResolvedRollingUpdate;
  /** Released configuration of its version. @default - the tier's config */
  readonly config?: ResolvedConfig;
}

/**
 * One copy of the frontend in one phase: the Deployment `<frontend>-<stage>` (pods
 * labelled `deploy-stage: <stage>`, which with the tier name is its selector, the
 * same in every phase) and the Service of the same name.
 */
export abstract class FrontendStage extends Construct {
  public readonly stage: Stage;
  /** Name of the Deployment and of the Service: `frontend-active`. */
  public readonly name: string;
  public readonly version: string;
  public readonly backend: Backend;
  /** Address of this copy's Service inside the namespace. */
  public readonly url: string;
  public readonly deployment: ApiObject;
  /** Absent while the Deployment is scaled to zero. */
  public readonly service?: ApiObject;

  protected constructor(scope: Construct, id: string, stage: Stage, props: FrontendStageProps) {
    super(scope, id);
    const tier = props.tier;
    this.stage = stage;
    this.name = `${tier.name}-${stage}`;
    this.version = props.version;
    this.backend = props.backend;
    this.url = tier.url(this.name);
    const phase = Chart.of(this);
    const backendPhase = Chart.of(props.backend);
    if (backendPhase !== phase) {
      throw new ReleaseConfigError(
        this.node.path,
        'backend',
        props.backend.serviceName,
        `a backend of the same phase: ${this.name} would call ${props.backend.serviceName}, which phase "${phase.node.id}" does not contain (it belongs to "${backendPhase.node.id}")`,
      );
    }
    const rendered = tier.render(this, {
      release: props.release,
      namespace: props.namespace,
      name: this.name,
      version: props.version,
      image: props.image,
      replicas: props.replicas ?? (stage === 'active' ? tier.replicas : tier.smokeReplicas),
      selector: stageSelector(stage, props.version),
      serviceType: stage === 'active' ? tier.serviceType : tier.smokeServiceType,
      production: stage === 'active',
      config: props.config,
      rollingUpdate: props.rollingUpdate,
      env: [{ name: props.backendUrlVariable, value: props.backend.url }],
    });
    this.deployment = rendered.deployment;
    this.service = rendered.service;
  }
}
