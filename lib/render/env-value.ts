import { k8s } from './k8s';
import { Checks } from '../model/checks';

/** Fields of the pod that the downward API can expose as environment variables. */
export enum PodField {
  NAME = 'metadata.name',
  NAMESPACE = 'metadata.namespace',
  UID = 'metadata.uid',
  NODE_NAME = 'spec.nodeName',
  SERVICE_ACCOUNT_NAME = 'spec.serviceAccountName',
  POD_IP = 'status.podIP',
  HOST_IP = 'status.hostIP',
}

/** Options of a literal value. */
export interface LiteralOptions {
  /**
   * Accept a literal for a variable whose name looks like a secret (PASSWORD, TOKEN,
   * SECRET, API_KEY...). Manifests end up in Git and CI logs, so secrets belong in a
   * Secret, referenced with `EnvValue.fromSecret`.
   * @default false
   */
  readonly notSecret?: boolean;
}

/** The value of an environment variable: a literal or a reference, never a secret in clear. */
export class EnvValue {
  /** A literal value, written into the manifest. */
  public static fromValue(value: string, options: LiteralOptions = {}): EnvValue {
    return new EnvValue({ kind: 'value', value, notSecret: options.notSecret ?? false });
  }

  /** A key of a Secret, read by the kubelet when the pod starts (`secretKeyRef`). */
  public static fromSecret(secretName: string, key: string, options: { readonly optional?: boolean } = {}): EnvValue {
    return new EnvValue({ kind: 'secret', name: secretName, key, optional: options.optional });
  }

  /** A key of a ConfigMap (`configMapKeyRef`). */
  public static fromConfigMap(configMapName: string, key: string, options: { readonly optional?: boolean } = {}): EnvValue {
    return new EnvValue({ kind: 'configMap', name: configMapName, key, optional: options.optional });
  }

  /** A field of the pod itself, through the downward API (`fieldRef`). */
  public static fromPodField(field: PodField): EnvValue {
    return new EnvValue({ kind: 'field', fieldPath: field });
  }

  private constructor(private readonly source: EnvSource) {}

  /** @internal */
  public _toEnvVar(check: Checks, field: string, name: string): k8s.EnvVar {
    const s = this.source;
    switch (s.kind) {
      case 'value':
        if (typeof s.value !== 'string') check.fail(field, s.value, 'a string');
        if (!s.notSecret && SECRET_LIKE.test(name)) {
          check.fail(field, '<literal value hidden>', `a reference for a secret-looking variable: EnvValue.fromSecret(secretName, key), or EnvValue.fromValue(value, { notSecret: true }) if ${name} holds no secret`);
        }
        return { name, value: s.value };
      case 'secret':
      case 'configMap': {
        const ref = { name: check.dnsSubdomain(`${field}.${s.kind === 'secret' ? 'secretName' : 'configMapName'}`, s.name), key: checkKey(check, `${field}.key`, s.key), optional: s.optional };
        return { name, valueFrom: s.kind === 'secret' ? { secretKeyRef: ref } : { configMapKeyRef: ref } };
      }
      case 'field':
        return { name, valueFrom: { fieldRef: { fieldPath: check.oneOf(`${field}.fieldPath`, s.fieldPath, Object.values(PodField)) } } };
    }
  }
}

type EnvSource =
  | { kind: 'value'; value: string; notSecret: boolean }
  | { kind: 'secret' | 'configMap'; name: string; key: string; optional?: boolean }
  | { kind: 'field'; fieldPath: string };

const SECRET_LIKE = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL)/i;
// Keys of Secrets and ConfigMaps: https://kubernetes.io/docs/concepts/configuration/secret/
const DATA_KEY = /^[-._a-zA-Z0-9]+$/;

function checkKey(check: Checks, field: string, key: unknown): string {
  if (typeof key !== 'string' || key.length === 0 || key.length > 253 || !DATA_KEY.test(key)) {
    check.fail(field, key, "a non-empty key of letters, digits, '-', '_' or '.'");
  }
  return key as string;
}
