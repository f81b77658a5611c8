import { asArray, asNumber, asString, get, K8sObject, objectRef } from '../loading/manifest';
import { PhaseIndex, serviceSelector } from '../loading/phase-index';
import { describeLabels, mapMatches } from '../loading/selectors';

export type Add = (o: K8sObject, field: string, message: string) => void;

/** The Services a Rollout's strategy names, with the field that names each. */
const SERVICE_FIELDS: ReadonlyArray<readonly string[]> = [
  ['canary', 'stableService'],
  ['canary', 'canaryService'],
  ['blueGreen', 'activeService'],
  ['blueGreen', 'previewService'],
];

/**
 * What the Argo Rollouts controller looks up by name before it walks a step, each of
 * which would stop the Rollout in a `InvalidSpec` condition:
 * - the Services of the strategy exist and select the Rollout's pods (the controller adds
 *   the pod-template hash to their selector; pods the rest does not match get no requests);
 * - the VirtualService(s) and their named routes (a single-route one may leave `routes`
 *   out), each route leading to the stable and the canary Service (or to the
 *   DestinationRule's two subsets); the DestinationRule and its two subsets;
 * - the NGINX stable Ingress(es), each leading to the stable Service;
 * - every analysis template (`steps[].analysis`, `canary.analysis`, blue-green pre- and
 *   post-promotion analysis): an AnalysisTemplate of the phase, or a
 *   ClusterAnalysisTemplate with `clusterScope: true`;
 * - every `setWeight` and `setCanaryScale.weight` is a percent from 0 to 100.
 */
export function checkRollout(index: PhaseIndex, rollout: K8sObject, add: Add): void {
  const ns = index.namespaceOf(rollout);
  const podLabels = index.workloadOf(rollout)?.podLabels ?? {};
  const service = (name: string | undefined) => (name ? index.find('Service', name, ns, '') : undefined);
  for (const path of SERVICE_FIELDS) {
    const name = asString(get(rollout, 'spec', 'strategy', ...path));
    if (!name) continue;
    const field = `spec.strategy.${path.join('.')}`;
    const found = service(name);
    if (!found) add(rollout, field, `names Service "${name}", which is not in this phase: the controller stops the Rollout (InvalidSpec)`);
    else if (!selectsPods(found, podLabels)) {
      add(found, 'spec.selector', `${describeLabels(serviceSelector(found) ?? {})} does not select the pods of ${objectRef(rollout)} (${describeLabels(podLabels)}), which names it in ${field}: the Service gets no endpoints`);
    }
  }
  const canary = get(rollout, 'spec', 'strategy', 'canary');
  const stable = asString(get(canary, 'stableService'));
  const canaryService = asString(get(canary, 'canaryService'));
  istioRouting(index, rollout, ns, stable, canaryService, add);
  const nginx = get(canary, 'trafficRouting', 'nginx');
  const ingresses = [asString(get(nginx, 'stableIngress')), ...asArray(get(nginx, 'stableIngresses')).map(asString)].filter((n): n is string => !!n);
  ingresses.forEach((name, i) => {
    const field = i === 0 && get(nginx, 'stableIngress') ? 'spec.strategy.canary.trafficRouting.nginx.stableIngress' : 'spec.strategy.canary.trafficRouting.nginx.stableIngresses';
    const ingress = index.find('Ingress', name, ns, 'networking.k8s.io');
    if (!ingress) add(rollout, field, `names Ingress "${name}", which is not in this phase`);
    else if (stable && !JSON.stringify(get(ingress, 'spec', 'rules') ?? []).includes(`"name":"${stable}"`)) {
      add(rollout, field, `Ingress "${name}" has no backend on the stable Service "${stable}": the controller has no path to copy into its canary Ingress`);
    }
  });
  for (const [field, templates] of analysisTemplateRefs(rollout)) {
    asArray(templates).forEach((t, i) => {
      const name = asString(get(t, 'templateName'));
      if (!name) return;
      const cluster = get(t, 'clusterScope') === true;
      const found = cluster ? index.find('ClusterAnalysisTemplate', name, '', 'argoproj.io') : index.find('AnalysisTemplate', name, ns, 'argoproj.io');
      if (!found) add(rollout, `${field}[${i}].templateName`, `names ${cluster ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate'} "${name}", which is not in this phase: the analysis run fails and the Rollout aborts`);
    });
  }
  asArray(get(canary, 'steps')).forEach((step, i) => {
    for (const path of [['setWeight'], ['setCanaryScale', 'weight']]) {
      const weight = get(step, ...path);
      if (weight !== undefined && !isPercent(weight)) add(rollout, `spec.strategy.canary.steps[${i}].${path.join('.')}`, `${JSON.stringify(weight)} is not a whole percent from 0 to 100`);
    }
  });
}

/** Whether a Service's selector (a missing or empty one selects nothing) matches the pod labels. */
export function selectsPods(service: K8sObject, podLabels: { readonly [key: string]: string }): boolean {
  const selector = serviceSelector(service);
  return !!selector && Object.keys(selector).length > 0 && mapMatches(selector, podLabels);
}

export function isPercent(value: unknown): boolean {
  const n = asNumber(value);
  return n !== undefined && Number.isInteger(n) && n >= 0 && n <= 100;
}

/** `[field of the templates list, the list]` for every place a Rollout names analysis templates. */
function analysisTemplateRefs(rollout: K8sObject): Array<[string, unknown]> {
  const strategy = get(rollout, 'spec', 'strategy');
  const refs: Array<[string, unknown]> = [
    ['spec.strategy.canary.analysis.templates', get(strategy, 'canary', 'analysis', 'templates')],
    ['spec.strategy.blueGreen.prePromotionAnalysis.templates', get(strategy, 'blueGreen', 'prePromotionAnalysis', 'templates')],
    ['spec.strategy.blueGreen.postPromotionAnalysis.templates', get(strategy, 'blueGreen', 'postPromotionAnalysis', 'templates')],
  ];
  asArray(get(strategy, 'canary', 'steps')).forEach((step, i) => refs.push([`spec.strategy.canary.steps[${i}].analysis.templates`, get(step, 'analysis', 'templates')]));
  return refs;
}

function istioRouting(index: PhaseIndex, rollout: K8sObject, ns: string, stable: string | undefined, canary: string | undefined, add: Add): void {
  const istio = get(rollout, 'spec', 'strategy', 'canary', 'trafficRouting', 'istio');
  if (!istio) return;
  const base = 'spec.strategy.canary.trafficRouting.istio';
  const rule = get(istio, 'destinationRule');
  const subsets = rule ? [asString(get(rule, 'stableSubsetName')), asString(get(rule, 'canarySubsetName'))] : [];
  if (rule) {
    const name = asString(get(rule, 'name')) ?? '';
    const found = index.find('DestinationRule', name, ns, 'networking.istio.io');
    if (!found) add(rollout, `${base}.destinationRule.name`, `names DestinationRule "${name}", which is not in this phase`);
    else {
      const defined = asArray(get(found, 'spec', 'subsets')).map((s) => asString(get(s, 'name')));
      for (const [i, key] of ['stableSubsetName', 'canarySubsetName'].entries()) {
        if (subsets[i] && !defined.includes(subsets[i])) add(rollout, `${base}.destinationRule.${key}`, `"${subsets[i]}" is not a subset of ${objectRef(found)} (it has ${defined.join(', ') || 'none'})`);
      }
    }
  }
  const services = get(istio, 'virtualService') ? [[`${base}.virtualService`, get(istio, 'virtualService')] as const] : asArray(get(istio, 'virtualServices')).map((v, i) => [`${base}.virtualServices[${i}]`, v] as const);
  for (const [field, ref] of services) {
    const name = asString(get(ref, 'name')) ?? '';
    const vs = index.find('VirtualService', name, ns, 'networking.istio.io');
    if (!vs) {
      add(rollout, `${field}.name`, `names VirtualService "${name}", which is not in this phase`);
      continue;
    }
    const http = asArray(get(vs, 'spec', 'http'));
    const named = asArray(get(ref, 'routes')).map(asString);
    if (named.length === 0 && http.length !== 1) {
      add(rollout, `${field}.routes`, `missing: ${objectRef(vs)} has ${http.length} HTTP routes, and the controller needs their names unless there is exactly one`);
    }
    const routes = named.length ? named.map((n) => [n, http.find((r) => get(r, 'name') === n)] as const) : http.slice(0, 1).map((r) => [asString(get(r, 'name')) ?? 'the only route', r] as const);
    routes.forEach(([routeName, route], i) => {
      if (!route) {
        add(rollout, `${field}.routes[${i}]`, `"${routeName}" is not the name of an HTTP route of ${objectRef(vs)}`);
        return;
      }
      const destinations = asArray(get(route, 'route')).map((d) => ({ host: (asString(get(d, 'destination', 'host')) ?? '').split('.')[0], subset: asString(get(d, 'destination', 'subset')) }));
      const wanted = rule ? subsets.map((s) => ({ what: `subset "${s}"`, ok: destinations.some((d) => d.subset === s) })) : [stable, canary].map((s) => ({ what: `Service "${s}"`, ok: destinations.some((d) => d.host === s) }));
      for (const w of wanted.filter((x) => !x.ok)) add(vs, `spec.http[${http.indexOf(route)}].route`, `route "${routeName}", which ${objectRef(rollout)} sets the weights of, has no destination to the ${w.what}: the controller refuses it`);
    });
  }
}
