// `npm run build:dashboard` builds the dashboard; `--if-stale` (used by `npm install`'s prepare step)
// builds only when src/dashboard/dist is missing or older than its sources.
import { buildDashboard, ensureDashboardBuilt } from '../src/api/dashboard-build.ts';

const say = (line: string) => process.stderr.write(`${line}\n`);

if (process.argv.includes('--if-stale')) {
  const built = await ensureDashboardBuilt(say);
  if (built !== undefined) say(`Dashboard built into src/dashboard/dist in ${built} s.`);
} else {
  const started = performance.now();
  await buildDashboard();
  say(`Dashboard built into src/dashboard/dist in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
}
