import { allowlistCovers, allowlistEntry, DEFAULT_PRUNE_ALLOWLIST, isAllowlistEntry, pruneAllowlistOf, pruneFlags } from '../../lib/model/prune-allowlist';

test('an entry is group/version/Kind, with `core` for the core group, as --prune-allowlist takes it', () => {
  expect(allowlistEntry('v1', 'Service')).toBe('core/v1/Service');
  expect(allowlistEntry('apps/v1', 'Deployment')).toBe('apps/v1/Deployment');
  expect(allowlistEntry('networking.istio.io/v1', 'VirtualService')).toBe('networking.istio.io/v1/VirtualService');
  expect(DEFAULT_PRUNE_ALLOWLIST.every(isAllowlistEntry)).toBe(true);
  expect(['Deployment.apps', 'v1/Service', 'apps/v1/Deployment,core/v1/Service', 3].some(isAllowlistEntry)).toBe(false);
});

test('the allowlist of a set of objects: every kind once, sorted, never Namespace', () => {
  const objects = [
    { apiVersion: 'v1', kind: 'Namespace' },
    { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService' },
    { apiVersion: 'apps/v1', kind: 'Deployment' },
    { apiVersion: 'v1', kind: 'Service' },
    { apiVersion: 'apps/v1', kind: 'Deployment' },
    { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget' },
    { apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService' },
  ];
  expect(pruneAllowlistOf(objects)).toEqual(['apps/v1/Deployment', 'core/v1/Service', 'networking.istio.io/v1/VirtualService', 'policy/v1/PodDisruptionBudget']);
});

test('an entry covers its group and kind in any version, and nothing else', () => {
  const list = ['apps/v1/Deployment', 'networking.istio.io/v1/VirtualService'];
  expect(allowlistCovers(list, 'networking.istio.io/v1beta1', 'VirtualService')).toBe(true);
  expect(allowlistCovers(list, 'apps/v1', 'Deployment')).toBe(true);
  expect(allowlistCovers(list, 'apps/v1', 'StatefulSet')).toBe(false);
  expect(allowlistCovers(list, 'networking.istio.io/v1', 'DestinationRule')).toBe(false);
  expect(allowlistCovers(DEFAULT_PRUNE_ALLOWLIST, 'policy/v1', 'PodDisruptionBudget')).toBe(false);
  expect(allowlistCovers(DEFAULT_PRUNE_ALLOWLIST, 'v1', 'Service')).toBe(true);
});

test('the flags: the selector, then one --prune-allowlist per entry (kubectl takes one kind per flag)', () => {
  expect(pruneFlags('a=b,c=d', ['apps/v1/Deployment', 'core/v1/Service'])).toEqual(['-l', 'a=b,c=d', '--prune-allowlist=apps/v1/Deployment', '--prune-allowlist=core/v1/Service']);
});
