import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, spawnManaged, type ManagedProcess } from '../faults/support/processes';
import { eventually } from '../support/eventually';
import { OtlpReceiver } from '../support/otlp-receiver';

const ROOT = resolve(__dirname, '../..');

/**
 * `node src/main.ts` as `npm start` runs the build (transpiled as it loads), on the embedded
 * adapters, with a reporter that says at exit which OpenTelemetry modules were loaded.
 */
function startMain(name: string, env: Record<string, string>, logDir: string): ManagedProcess {
  return spawnManaged(
    name,
    process.execPath,
    [
      '-r',
      join(ROOT, 'test/support/run-typescript.cjs'),
      '-r',
      join(ROOT, 'test/support/report-loaded-modules.cjs'),
      join(ROOT, 'src/main.ts'),
    ],
    {
      cwd: ROOT,
      logFile: join(logDir, `${name}.log`),
      // No load balancer to drain for: SIGTERM stops at once, so the exit report is written.
      env: { PATH: process.env.PATH ?? '', SHUTDOWN_DRAIN_MS: '0', ...env },
    },
  );
}

/** Every line the process wrote, each parsed: a line that is not JSON fails the test. */
function jsonLines(logFile: string): Record<string, unknown>[] {
  return readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function openTelemetryModulesOf(env: Record<string, string>, logDir: string) {
  const name = `main-${Object.keys(env).length}`;
  const main = startMain(name, { PORT: String(await freePort()), ...env }, logDir);
  try {
    await main.waitForLine((line) => line.includes('"msg":"order service started"'), 90_000);
  } finally {
    await main.stop();
  }
  // The process's last lines reach the log file after it exits: wait for its report.
  return eventually(
    async () => {
      const lines = jsonLines(join(logDir, `${name}.log`));
      const report = lines.find((line) => 'openTelemetryModules' in line);
      if (!report) throw new Error(`no report of loaded modules in ${name}.log yet`);
      return { lines, modules: report.openTelemetryModules as string[] };
    },
    { timeoutMs: 10_000 },
  );
}

describe('the entry point', () => {
  const logDir = mkdtempSync(join(tmpdir(), 'entry-'));

  afterAll(() => rmSync(logDir, { recursive: true, force: true }));

  it('loads no OpenTelemetry module when no OTLP endpoint is set, and logs only JSON', async () => {
    const { lines, modules } = await openTelemetryModulesOf({}, logDir);

    // prom-client requires the OpenTelemetry API itself (for exemplars); without an SDK
    // registered it is the API's no-op, and no SDK, exporter or instrumentation may load.
    expect(modules.filter((path) => !path.includes('/@opentelemetry/api/'))).toEqual([]);
    expect(lines.find((line) => line.msg === 'order service started')).toMatchObject({
      tracing: 'off',
    });
  });

  it('loads the SDK and its instrumentations when an endpoint is set', async () => {
    // A collector that takes every export, so that the exit's last flush ends at once (a refused
    // one is retried past the stop's patience, and the process would be killed before reporting).
    const collector = new OtlpReceiver();
    let modules: string[];
    try {
      ({ modules } = await openTelemetryModulesOf(
        { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${await collector.listen()}/v1/traces` },
        logDir,
      ));
    } finally {
      await collector.close();
    }

    for (const module of [
      'sdk-trace-node',
      'instrumentation-mysql2',
      'exporter-trace-otlp-proto',
    ]) {
      expect(modules.some((path) => path.includes(`@opentelemetry/${module}/`))).toBe(true);
    }
  });

  it('reports a configuration error as a JSON line naming the variable, and exits 2', async () => {
    const main = startMain(
      'misconfigured',
      { PORT: 'eighty', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' },
      logDir,
    );

    expect((await main.exited).code).toBe(2);
    const [failure] = jsonLines(join(logDir, 'misconfigured.log'));
    expect(failure).toMatchObject({
      level: 60,
      msg: expect.stringContaining('Invalid configuration'),
      problems: expect.arrayContaining([
        expect.objectContaining({ variable: 'PORT' }),
        expect.objectContaining({ variable: 'OTEL_EXPORTER_OTLP_PROTOCOL' }),
      ]),
    });
  });
});
