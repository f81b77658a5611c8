import { k8s } from './k8s';
import { Checks, isWellFormed, keysOf } from '../model/checks';

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
  public static fromValue(value: string, options?: LiteralOptions): EnvValue {
    // Options are checked with the construct, so that an error names it and the field.
    return new EnvValue({ kind: 'value', value }, options);
  }

  /** A key of a Secret, read by the kubelet when the pod starts (`secretKeyRef`). */
  public static fromSecret(secretName: string, key: string, options?: ReferenceOptions): EnvValue {
    return new EnvValue({ kind: 'secret', name: secretName, key }, options);
  }

  /** A key of a ConfigMap (`configMapKeyRef`). */
  public static fromConfigMap(configMapName: string, key: string, options?: ReferenceOptions): EnvValue {
    return new EnvValue({ kind: 'configMap', name: configMapName, key }, options);
  }

  /** A field of the pod itself, through the downward API (`fieldRef`). */
  public static fromPodField(field: PodField): EnvValue {
    return new EnvValue({ kind: 'field', fieldPath: field });
  }

  /** Whether `x` is an EnvValue, of this copy of the package or another. */
  public static isEnvValue(x: unknown): x is EnvValue {
    return typeof x === 'object' && x !== null && typeof (x as EnvValue)._toEnvVar === 'function';
  }

  private constructor(
    private readonly source: EnvSource,
    private readonly options?: LiteralOptions | ReferenceOptions,
  ) {}

  /** @internal */
  public _toEnvVar(check: Checks, field: string, name: string): k8s.EnvVar {
    const s = this.source;
    const o: LiteralOptions & ReferenceOptions = this.options === undefined ? {} : check.object(field, this.options, 'options: an object such as { optional: true }');
    check.knownKeys(field, o, s.kind === 'value' ? LITERAL_OPTION_KEYS : REFERENCE_OPTION_KEYS, s.kind === 'value' ? 'LiteralOptions' : 'ReferenceOptions');
    switch (s.kind) {
      case 'value': {
        if (typeof s.value !== 'string') check.fail(field, s.value, 'a string');
        const notSecret = o.notSecret === undefined ? false : check.boolean(`${field}.notSecret`, o.notSecret);
        if (!notSecret && SECRET_LIKE.test(name)) {
          check.fail(field, '<literal value hidden>', `a reference for a secret-looking variable: EnvValue.fromSecret(secretName, key), or EnvValue.fromValue(value, { notSecret: true }) if ${name} holds no secret`);
        }
        // Even when declared not secret: a PEM private key in clear is never intended.
        if (PRIVATE_KEY.test(s.value)) check.fail(field, '<literal value hidden>', 'a reference to a Secret (EnvValue.fromSecret): the value holds a private key');
        if (!isWellFormed(s.value)) check.fail(field, s.value, 'a string of well-formed Unicode (it holds half of a surrogate pair, which cannot be written as UTF-8)');
        // The API server stores an empty value as no value: writing it so keeps live and manifest equal.
        return s.value === '' ? { name } : { name, value: s.value };
      }
      case 'secret':
      case 'configMap': {
        const ref = {
          name: check.dnsSubdomain(`${field}.${s.kind === 'secret' ? 'secretName' : 'configMapName'}`, s.name),
          key: checkKey(check, `${field}.key`, s.key),
          optional: o.optional === undefined ? undefined : check.boolean(`${field}.optional`, o.optional),
        };
        return { name, valueFrom: s.kind === 'secret' ? { secretKeyRef: ref } : { configMapKeyRef: ref } };
      }
      case 'field':
        return { name, valueFrom: { fieldRef: { fieldPath: check.oneOf(`${field}.fieldPath`, s.fieldPath, Object.values(PodField)) } } };
    }
  }
}

/** Options of a reference to a Secret or ConfigMap key. */
export interface ReferenceOptions {
  /** Start the pod even when the Secret or key does not exist. @default false */
  readonly optional?: boolean;
}

type EnvSource =
  | { kind: 'value'; value: string }
  | { kind: 'secret' | 'configMap'; name: string; key: string }
  | { kind: 'field'; fieldPath: string };

const LITERAL_OPTION_KEYS = keysOf<LiteralOptions>({ notSecret: true });
const REFERENCE_OPTION_KEYS = keysOf<ReferenceOptions>({ optional: true });
const SECRET_LIKE = /(PASSWORD|PASSWD|(^|_)PASS($|_)|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL)/i;

/** @internal Whether a variable name looks like a secret's, so that a literal value for it is refused. */
/** Whether `key` may be a key of a Secret or ConfigMap (and so a file name of its volume). */
export function isDataKey(key: string): boolean {
  return key.length <= 253 && DATA_KEY.test(key);
}

export function looksSecret(name: string): boolean {
  return SECRET_LIKE.test(name);
}
const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;
// Keys of Secrets and ConfigMaps: https://kubernetes.io/docs/concepts/configuration/secret/
const DATA_KEY = /^[-._a-zA-Z0-9]+$/;

function checkKey(check: Checks, field: string, key: unknown): string {
  if (typeof key !== 'string' || key.length === 0 || key.length > 253 || !DATA_KEY.test(key) || key === '.' || key === '..') {
    check.fail(field, key, "a non-empty key of letters, digits, '-', '_' or '.', other than '.' and '..', at most 253 characters");
  }
  return key as string;
}
