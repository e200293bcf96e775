import { spawnSync } from 'node:child_process';

export interface PromtoolResult {
  status: number | null;
  output: string;
}

/**
 * Runs Prometheus' own checker. Missing, it fails the test: .ci/run installs Debian's
 * `prometheus` package, which has it.
 */
export function promtool(args: readonly string[], input?: string): PromtoolResult {
  const run = spawnSync('promtool', args, { input, encoding: 'utf8' });
  if (run.error) {
    throw new Error(
      `promtool could not run (${run.error.message}): apt-get install -y prometheus provides it`,
    );
  }
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}
