/**
 * How a live object differs from its manifest: every field the manifest sets must hold the same value in the
 * cluster (which adds defaults, status and metadata of its own). Quantities compare by value ("0.5" = "500m").
 */
export function liveMismatches(manifest: unknown, live: unknown, at = ''): string[] {
  if (manifest === null || manifest === undefined) return [];
  if (Array.isArray(manifest)) {
    if (!Array.isArray(live)) return [`${at}: the manifest has a list, the cluster ${describe(live)}`];
    if (live.length !== manifest.length) return [`${at}: the manifest has ${manifest.length} entries, the cluster ${live.length}`];
    return manifest.flatMap((m, i) => liveMismatches(m, live[i], `${at}[${i}]`));
  }
  if (typeof manifest === 'object') {
    if (typeof live !== 'object' || live === null || Array.isArray(live)) return [`${at}: the manifest has an object, the cluster ${describe(live)}`];
    return Object.entries(manifest as { [k: string]: unknown }).flatMap(([k, v]) =>
      liveMismatches(v, (live as { [k: string]: unknown })[k], at ? `${at}.${k}` : k),
    );
  }
  if (manifest === live || sameQuantity(manifest, live)) return [];
  return [`${at}: the manifest says ${JSON.stringify(manifest)}, the cluster ${describe(live)}`];
}

function describe(value: unknown): string {
  return value === undefined ? 'has nothing' : `has ${JSON.stringify(value)}`;
}

const SUFFIX: { [s: string]: number } = { '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };

function quantity(value: unknown): number | undefined {
  const m = /^([0-9.]+)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(String(value));
  return m ? Number(m[1]) * SUFFIX[m[2] ?? ''] : undefined;
}

function sameQuantity(a: unknown, b: unknown): boolean {
  if (typeof a !== 'string' && typeof a !== 'number') return false;
  const x = quantity(a);
  return x !== undefined && x === quantity(b);
}
