import { Checks } from './checks';

/** A container image reference pinned by tag or digest. */
export interface ImageRef {
  /** The reference as given, e.g. `docker.io/acme/addressbook:1.2.0`. */
  readonly reference: string;
  /** Registry and path without tag or digest, e.g. `docker.io/acme/addressbook`. */
  readonly repository: string;
  /** @default - none: the image is pinned by digest */
  readonly tag?: string;
  /** `sha256:<64 hex digits>`. @default - none: the image is pinned by tag */
  readonly digest?: string;
}

// The grammar of github.com/distribution/reference, split in the three parts we use.
const DOMAIN = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

function splitReference(value: string): { repository: string; tag?: string; digest?: string } | undefined {
  let rest = value;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return undefined;
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return undefined;
  }
  const parts = rest.split('/');
  // The first part is a registry only when it looks like a host: a dot, a port or localhost.
  const first = parts[0];
  const hasDomain = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (hasDomain && !DOMAIN.test(first)) return undefined;
  const path = hasDomain ? parts.slice(1) : parts;
  if (path.length === 0 || !path.every((c) => PATH_COMPONENT.test(c)) || rest.length > 255) return undefined;
  return { repository: rest, tag, digest };
}

/**
 * Parses and checks an image reference: it must name a tag or a digest, and the tag
 * must not be `latest`, since a floating tag makes every phase's Deployment ambiguous
 * (nodes may run different builds) and turns a rollback into a no-op.
 */
export function parseImage(check: Checks, field: string, value: unknown): ImageRef {
  const parts = typeof value === 'string' ? splitReference(value) : undefined;
  if (!parts) {
    return check.fail(field, value, 'an image reference such as "registry.example.com/team/app:1.4.2" or "app@sha256:<64 hex digits>"');
  }
  const { repository, tag, digest } = parts;
  if (!tag && !digest) check.fail(field, value, 'an image pinned by a tag or a digest (":1.4.2" or "@sha256:..."): without one the runtime pulls ":latest"');
  if (tag === 'latest') check.fail(field, value, 'a tag other than "latest" (or a digest): a floating tag cannot be rolled back');
  return { reference: value as string, repository, tag, digest };
}

/**
 * The version label an image gets by default: its tag, or the first 12 hex digits of
 * its digest (label values cannot hold ':').
 */
/**
 * The version label of what runs `image`: `given`, a non-empty label value (`example`
 * shows one), or else the image's tag or digest, which must then be a label value.
 */
export function versionLabel(check: Checks, field: string, given: unknown, image: ImageRef, imageField: string, example: string): string {
  if (given !== undefined) {
    const v = check.labelValue(field, given);
    if (v === '') check.fail(field, v, `a non-empty label value, such as ${example}`);
    return v;
  }
  const v = defaultVersion(image);
  if (!/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(v)) {
    check.fail(field, v, `a version given explicitly: it defaults to the tag of ${imageField}, which is not a label value (at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit)`);
  }
  return v;
}

export function defaultVersion(image: ImageRef): string {
  if (image.tag) return image.tag;
  return image.digest!.slice('sha256:'.length, 'sha256:'.length + 12);
}

/** Object names follow the version: lower case, with '.' and '_' turned into '-'. */
export function versionNameSuffix(version: string): string {
  return version.toLowerCase().replace(/[._]/g, '-');
}
