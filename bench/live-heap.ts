/**
 * `node --expose-gc tools/run.js bench/live-heap.ts [N] [workload]`: the heap a synthesis keeps
 * alive, apart from what the garbage collector has yet to reclaim (which peak RSS includes,
 * and which grows when the collector's threads get little CPU on a loaded machine). Prints, in
 * MB after a full collection: the constructs of N applications, then the same with every
 * rendered file held (what `synthesize` holds just before writing).
 */
import { App } from 'cdk8s';
import { renderApp } from '../lib';
import { defineGatewayRelease } from './gateway-workload';
import { defineCanaryApp } from './variants/library';
import { appSpecs } from './workload';

const n = Number(process.argv[2] ?? 1000);
const workload = process.argv[3] ?? 'gateway';
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const heap = () => {
  gc();
  return process.memoryUsage().heapUsed / 1e6;
};

const base = heap();
const app = new App({ outdir: '/dev/null' });
for (const spec of appSpecs(n)) {
  if (workload === 'gateway') defineGatewayRelease(app, spec);
  else defineCanaryApp(app, spec);
}
const built = heap() - base;
const files = renderApp(app);
const rendered = heap() - base;
const text = files.reduce((sum, f) => sum + f.content.length, 0) / 1e6;
console.log(`${workload} N=${n}: constructs ${built.toFixed(0)} MB; with the ${files.length} rendered files (${text.toFixed(0)} M characters) ${rendered.toFixed(0)} MB; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
