// Runs every benchmark (`npm run bench`); prints measurements and ratios, never fails on timing.
import { runAuthorizerBenchmark } from './authorizer.ts';
import { runEwsBenchmark } from './ews.ts';
import { runCalendarBenchmark } from './calendar.ts';

const started = performance.now();
console.log(`Deputy benchmarks — Node ${process.version}, ${process.platform}/${process.arch}`);
runAuthorizerBenchmark();
await runEwsBenchmark();
await runCalendarBenchmark();
console.log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
