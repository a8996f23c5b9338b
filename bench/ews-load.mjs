// Load generator for bench/ews.ts, run in a worker thread (plain JavaScript so the worker needs no
// TypeScript loader): `clients` concurrent loops posting the given bodies in turn (or GETting the
// URL) for a fixed time, counting units in each response.
import { parentPort, workerData } from 'node:worker_threads';

async function run(spec) {
  let next = 0;
  const once = async () => {
    const body = spec.kind === 'post' ? spec.bodies[next++ % spec.bodies.length] : undefined;
    const init = spec.kind === 'post' ? { method: 'POST', body, headers: { 'content-type': 'text/xml; charset=utf-8', authorization: spec.authorization } } : {};
    const response = await fetch(spec.url, init);
    const text = await response.text();
    if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${text.slice(0, 200)}`);
    return spec.countPattern ? text.split(spec.countPattern).length - 1 : 1;
  };
  const warmUntil = performance.now() + 500;
  while (performance.now() < warmUntil) await once();
  let units = 0;
  const start = performance.now();
  const end = start + spec.phaseMs;
  await Promise.all(
    Array.from({ length: spec.clients }, async () => {
      while (performance.now() < end) units += await once();
    }),
  );
  return { units, seconds: (performance.now() - start) / 1000 };
}

run(workerData).then((result) => parentPort.postMessage(result));
