import { readFileSync } from 'node:fs';

/** The parts of a V8 .cpuprofile (as written by node --cpu-prof) that are read here. */
interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }[];
  samples: number[];
  timeDeltas: number[];
}

interface Frame {
  name: string;
  selfMs: number;
  totalMs: number;
}

/** `name path:line`, the path from node_modules/ for libraries and from `root` for our code. */
function frameName(
  { functionName, url, lineNumber }: CpuProfile['nodes'][number]['callFrame'],
  root: string,
) {
  const path = url.replace(/^file:\/\//, '');
  const library = path.indexOf('/node_modules/');
  const file =
    library >= 0
      ? path.slice(library + 1)
      : path.startsWith(`${root}/`)
        ? path.slice(root.length + 1)
        : path;
  return `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim();
}

/** node_modules/<package>, our compiled code, or Node itself. */
function packageOf(file: string): string | null {
  const library = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  if (library) return library[1] as string;
  if (file.startsWith('dist/')) return 'our code (dist/)';
  if (file.startsWith('node:')) return 'node';
  return null;
}

/**
 * The heaviest functions of a profile: by self time (where the CPU actually was), and, for our
 * own compiled code (dist/), by total time including what they called. A function that appears
 * several times on one stack (recursion) is counted once per sample.
 */
export function summarizeCpuProfile(file: string, root: string, top = 15): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);

  const frames = new Map<string, Frame>();
  const frame = (name: string) => {
    let found = frames.get(name);
    if (!found) frames.set(name, (found = { name, selfMs: 0, totalMs: 0 }));
    return found;
  };
  const packages = new Map<string, number>();
  let totalMs = 0;
  profile.samples.forEach((id, index) => {
    const ms = (profile.timeDeltas[index] ?? 0) / 1000;
    totalMs += ms;
    const leaf = byId.get(id);
    if (!leaf) return;
    frame(frameName(leaf.callFrame, root)).selfMs += ms;
    // Native work (a socket write, JSON.parse) and Node's own code are charged to the nearest
    // package above them on the stack: a write is mysql2's or ioredis's cost, not Node's.
    let owner: string | null = null;
    let nodeOwned = false;
    for (let at: number | undefined = id; at !== undefined && !owner; at = parent.get(at)) {
      const file = frameName(byId.get(at)?.callFrame ?? leaf.callFrame, root)
        .split(' ')
        .pop();
      const found = packageOf(file ?? '');
      if (found === 'node') nodeOwned = true;
      else owner = found;
    }
    owner ??= nodeOwned ? 'node' : leaf.callFrame.functionName;
    packages.set(owner, (packages.get(owner) ?? 0) + ms);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const node = byId.get(at);
      if (!node) break;
      const name = frameName(node.callFrame, root);
      if (seen.has(name)) continue;
      seen.add(name);
      frame(name).totalMs += ms;
    }
  });

  const busyMs = totalMs - (frames.get('(idle)')?.selfMs ?? 0);
  const share = (ms: number) => `${((ms / busyMs) * 100).toFixed(1).padStart(5)}%`;
  const list = (title: string, chosen: Frame[], key: 'selfMs' | 'totalMs') => [
    title,
    ...chosen.slice(0, top).map((f) => `  ${share(f[key])}  ${f.name}`),
  ];
  const all = [...frames.values()];
  return [
    `${file}: ${(totalMs / 1000).toFixed(1)} s sampled, ${(busyMs / 1000).toFixed(1)} s busy` +
      ' (shares below are of the busy time)',
    'self time by package (native and Node work charged to the package that asked for it):',
    ...[...packages.entries()]
      .filter(([name]) => name !== '(idle)')
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, ms]) => `  ${share(ms)}  ${name}`),
    ...list(
      'self time:',
      all.filter((f) => f.name !== '(idle)').sort((a, b) => b.selfMs - a.selfMs),
      'selfMs',
    ),
    ...list(
      'our code (dist/), total time including callees:',
      all.filter((f) => f.name.includes(' dist/')).sort((a, b) => b.totalMs - a.totalMs),
      'totalMs',
    ),
  ].join('\n');
}
