/**
 * Where a `.cpuprofile` (V8's sampling profiler, e.g. `quarry bench --cpu-prof FILE`) spent its
 * time: self time grouped by package (`node_modules/<package>`), by Quarry's own source folder
 * (`src/<folder>`), Node's internals and V8's own entries ((garbage collector), (idle), (program)),
 * then the functions with the most self time.
 *
 *   npx tsx scripts/cpu-profile-summary.ts worker.cpuprofile [top]
 *
 * Each of the top functions is followed by the callers it was most often reached through, since a
 * native entry (`writev`, a V8 task) says little without them.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topArgument] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: cpu-profile-summary.ts <file.cpuprofile> [top]\n');
  process.exit(2);
}
const top = Number(topArgument ?? 15);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parents = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);

function groupOf(node: ProfileNode): string {
  const url = node.callFrame.url;
  if (!url) return node.callFrame.functionName.startsWith('(') ? node.callFrame.functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) return pkg;
  const own = /\/src\/([^/]+)/.exec(url)?.[1];
  if (own) return `src/${own}`;
  if (url.startsWith('node:')) return 'node (internals)';
  return url;
}

const selfMs = new Map<number, number>();
profile.samples.forEach((id, index) => selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000));
const total = [...selfMs.values()].reduce((sum, ms) => sum + ms, 0);
const busy = total - [...selfMs].filter(([id]) => nodes.get(id)?.callFrame.functionName === '(idle)').reduce((sum, [, ms]) => sum + ms, 0);

const add = (map: Map<string, number>, key: string, ms: number) => map.set(key, (map.get(key) ?? 0) + ms);
const groups = new Map<string, number>();
const functions = new Map<string, number>();
const callers = new Map<string, Map<string, number>>();
const nameOf = (node: ProfileNode) => {
  const where = node.callFrame.url ? `${node.callFrame.url.replace(/^.*node_modules\//, '').replace(/^.*\/src\//, 'src/')}:${node.callFrame.lineNumber + 1}` : '';
  return `${node.callFrame.functionName || '(anonymous)'} ${where}`.trim();
};
const callersOf = (id: number, depth: number) => {
  const chain: string[] = [];
  for (let parent = parents.get(id); parent !== undefined && chain.length < depth; parent = parents.get(parent)) chain.push(nameOf(nodes.get(parent)!));
  return chain.join(' <- ');
};
for (const [id, ms] of selfMs) {
  const node = nodes.get(id)!;
  add(groups, groupOf(node), ms);
  const name = nameOf(node);
  add(functions, name, ms);
  add(callers.get(name) ?? callers.set(name, new Map()).get(name)!, callersOf(id, 3), ms);
}

const line = (name: string, ms: number) => `${ms.toFixed(0).padStart(8)} ms  ${((ms / busy) * 100).toFixed(1).padStart(5)} %  ${name}`;
process.stdout.write(`${file}: ${(total / 1000).toFixed(1)} s sampled, ${(busy / 1000).toFixed(1)} s not idle (shares are of that)\n\nby package or source folder\n`);
for (const [name, ms] of [...groups].sort((a, b) => b[1] - a[1]).slice(0, top)) if (name !== '(idle)') process.stdout.write(`${line(name, ms)}\n`);
process.stdout.write('\nby function (self time)\n');
for (const [name, ms] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  if (name.startsWith('(idle)')) continue;
  process.stdout.write(`${line(name, ms)}\n`);
  for (const [chain, chainMs] of [...callers.get(name)!].sort((a, b) => b[1] - a[1]).slice(0, 2)) {
    if (chain) process.stdout.write(`${' '.repeat(20)}${((chainMs / ms) * 100).toFixed(0).padStart(3)} % via ${chain.slice(0, 160)}\n`);
  }
}
