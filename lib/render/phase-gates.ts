import { ApiObject, Chart } from 'cdk8s';
import { Checks, isPlainObject } from '../model/checks';
import { DeclaredGate } from '../model/release';
import { GateContext, GateService, renderGateJob, ResolvedGate, resolveGate } from './gate-job';

/** The part of a gate context the release knows before the phase's Services are rendered. */
export type PhaseGateContext = Omit<GateContext, 'services'>;

/** A gate the release adds itself (the smoke test), with what it sets beyond the gate's options. */
export interface OwnGate {
  /** Field of the release's props that configures it, for errors. */
  readonly field: string;
  readonly gate: unknown;
  /** Settings the gate's options do not have (the smoke test's backoffLimit and deadline). @default - none */
  readonly override?: (resolved: ResolvedGate) => ResolvedGate;
}

/**
 * The `gates` prop of a release: gates by phase name, checked against the phases the
 * release has, then rendered into each phase once its Services are.
 */
export class PhaseGateSet {
  private readonly byPhase = new Map<string, readonly unknown[]>();
  private readonly declared = new Map<string, DeclaredGate[]>();

  /**
   * @param field the prop, e.g. `gates`
   * @param phases every phase of the release, in order
   */
  constructor(
    private readonly check: Checks,
    private readonly field: string,
    given: unknown,
    phases: readonly string[],
  ) {
    if (given === undefined) return;
    if (!isPlainObject(given)) check.fail(field, given, 'an object of gates by phase name, e.g. { dark: [Gate.http()] }');
    for (const [phase, gates] of Object.entries(given)) {
      if (!phases.includes(phase)) check.fail(`${field}.${phase}`, phase, `the name of a phase of the release (${phases.join(', ')})`);
      this.byPhase.set(phase, check.list(`${field}.${phase}`, gates, 'a list of gates made with Gate.http(), Gate.prometheus() or Gate.job()', 0));
    }
  }

  /** Whether the phase has gates of the author's. */
  public has(phase: string): boolean {
    return (this.byPhase.get(phase)?.length ?? 0) > 0;
  }

  /**
   * Renders the gates of `ctx.phase` as Jobs of `chart`, after `first` (a release's own
   * gate, e.g. the smoke test) — each checked against the Services the chart holds.
   */
  public render(chart: Chart, ctx: PhaseGateContext, first: readonly OwnGate[] = []): readonly DeclaredGate[] {
    const resolved = this.resolve({ ...ctx, services: servicesOf(chart) }, first);
    for (const gate of resolved) renderGateJob(chart, `gate-${gate.declared.job}`, gate, ctx);
    return resolved.map((g) => g.declared);
  }

  /**
   * The gates of `ctx.phase`, after `first`, checked against the Services of `ctx`,
   * without rendering them: an engine runs them its own way.
   */
  public resolve(ctx: GateContext, first: readonly OwnGate[] = []): readonly ResolvedGate[] {
    const gates: OwnGate[] = [...first, ...(this.byPhase.get(ctx.phase) ?? []).map((gate, i) => ({ field: `${this.field}.${ctx.phase}[${i}]`, gate }))];
    const resolved: ResolvedGate[] = [];
    for (const { field, gate, override } of gates) {
      const given = resolveGate(this.check, field, gate, ctx);
      const r = override ? override(given) : given;
      const clash = resolved.find((d) => d.declared.job === r.declared.job);
      if (clash) this.check.fail(`${field}.name`, r.declared.name, `a name other than that of another gate of phase "${ctx.phase}" (both Jobs would be ${clash.declared.job})`);
      resolved.push(r);
    }
    this.declared.set(ctx.phase, resolved.map((r) => r.declared));
    return resolved;
  }

  /** The phases that have gates of the author's. */
  public get phases(): string[] {
    return [...this.byPhase.entries()].filter(([, g]) => g.length > 0).map(([p]) => p);
  }

  /** The gates rendered into a phase, for release.json; undefined when it has none. */
  public declaredFor(phase: string): readonly DeclaredGate[] | undefined {
    const d = this.declared.get(phase);
    return d && d.length ? d : undefined;
  }
}

/** The Services of a phase and their ports, as rendered. */
export function servicesOf(chart: Chart): GateService[] {
  return chart.node
    .findAll()
    .filter((c): c is ApiObject => c instanceof ApiObject && c.kind === 'Service' && c.apiVersion === 'v1')
    .map((s) => {
      const spec = (s.toJson() as { spec?: { ports?: Array<{ name?: string; port: number }> } }).spec;
      return { name: s.metadata.name!, ports: (spec?.ports ?? []).map((p) => ({ name: p.name, port: p.port })) };
    });
}

/** `{ gates }` for a phase of release.json, or nothing when it has none (so ungated phases read as before). */
export function withGates(gates: readonly DeclaredGate[] | undefined): { gates?: readonly DeclaredGate[] } {
  return gates ? { gates } : {};
}
