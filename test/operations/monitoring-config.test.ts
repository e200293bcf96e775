import { mkdtempSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { PrometheusMetrics } from '../../src/adapters/metrics/prometheus/prometheus-metrics';
import { promtool } from '../support/promtool';

const ROOT = resolve(__dirname, '../..');
const OPS = join(ROOT, 'ops');
const PROMETHEUS_CONFIG = join(OPS, 'prometheus/prometheus.yml');
const ALERTS = join(OPS, 'prometheus/alerts.yml');
const DASHBOARD = join(OPS, 'grafana/dashboards/order-service.json');

interface ComposeService {
  image?: string;
  build?: string;
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  healthcheck?: { test?: string[]; disable?: boolean };
}

const read = (path: string) => readFileSync(path, 'utf8');
const compose = parse(read(join(ROOT, 'docker-compose.yml')), { merge: true }) as {
  services: Record<string, ComposeService>;
};

/** The series one process can expose, every adapter's gauges included, as Prometheus names them. */
async function exportedSeries(): Promise<Set<string>> {
  const metrics = new PrometheusMetrics();
  metrics.watchBacklog(async () => 0);
  metrics.watchPool(() => ({ size: 1, inUse: 0, waiting: 0 }));
  metrics.watchCache(() => ({ hits: 0, misses: 0, errors: 0 }));
  metrics.watchPendingPublishes(() => 0);
  const names = new Set(['up']);
  for (const [, name, type] of (await metrics.exposition()).matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name!);
    if (type === 'histogram')
      for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
    if (type === 'summary') for (const suffix of ['_sum', '_count']) names.add(name + suffix);
  }
  return names;
}

const PROMQL_WORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'offset',
  'bool',
  'inf',
  'nan',
]);

/**
 * The metric names a PromQL expression selects: what is left once strings, label matchers,
 * ranges, grouping clauses, functions (a name before a parenthesis) and keywords are taken out.
 */
function seriesIn(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  return [...bare.matchAll(/([A-Za-z_:][A-Za-z0-9_:]*)(\s*\()?/g)]
    .filter(([, name, call]) => !call && !PROMQL_WORDS.has(name!.toLowerCase()))
    .map(([, name]) => name!);
}

interface DashboardPanel {
  title: string;
  targets: { expr: string }[];
}

const dashboard = JSON.parse(read(DASHBOARD)) as { panels: DashboardPanel[] };
const dashboardExpressions = dashboard.panels.flatMap((panel) =>
  panel.targets.map((target) => ({ panel: panel.title, expr: target.expr })),
);
const alertExpressions = (
  parse(read(ALERTS)) as { groups: { rules: { alert: string; expr: string }[] }[] }
).groups.flatMap((group) => group.rules.map((rule) => ({ alert: rule.alert, expr: rule.expr })));

describe('docker-compose.yml', () => {
  it('runs Prometheus, Grafana and Jaeger beside the service, mounting files that exist', () => {
    for (const name of ['prometheus', 'grafana', 'jaeger']) {
      expect(compose.services[name]?.image).toEqual(expect.any(String));
    }
    const mounts = Object.values(compose.services).flatMap((service) => service.volumes ?? []);
    for (const mount of mounts.filter((each) => each.startsWith('./'))) {
      const source = mount.split(':')[0]!;
      expect({ mount, exists: existsSync(join(ROOT, source)) }).toEqual({ mount, exists: true });
    }
  });

  it('scrapes the port the image exposes and the processes listen on, for the API and every worker', () => {
    const exposed = /^EXPOSE (\d+)$/m.exec(read(join(ROOT, 'Dockerfile')))?.[1];
    for (const role of ['api', 'worker']) {
      expect(compose.services[role]?.environment?.PORT).toBe(exposed);
      expect(compose.services[role]?.healthcheck?.test?.join(' ')).toContain(
        `127.0.0.1:${exposed}/ready`,
      );
    }
    const config = parse(read(PROMETHEUS_CONFIG)) as {
      scrape_configs: {
        job_name: string;
        static_configs?: { targets: string[] }[];
        dns_sd_configs?: { names: string[]; port: number }[];
      }[];
    };
    const job = (name: string) => config.scrape_configs.find((each) => each.job_name === name);
    expect(job('api')?.static_configs?.[0]?.targets).toEqual([`api:${exposed}`]);
    expect(job('worker')?.dns_sd_configs?.[0]).toMatchObject({
      names: ['worker'],
      port: Number(exposed),
    });
  });

  it('names in .env.example every variable it requires', () => {
    const example = read(join(ROOT, '.env.example'));
    const required = [...read(join(ROOT, 'docker-compose.yml')).matchAll(/\$\{(\w+):\?/g)].map(
      ([, name]) => name!,
    );
    for (const name of new Set(required)) {
      expect({ name, listed: new RegExp(`^${name}=`, 'm').test(example) }).toEqual({
        name,
        listed: true,
      });
    }
  });
});

describe('Prometheus configuration and alerts', () => {
  it('promtool check config passes (with the rule files it names)', () => {
    const check = promtool(['check', 'config', PROMETHEUS_CONFIG]);
    expect({ status: check.status, output: check.output }).toEqual({
      status: 0,
      output: expect.stringContaining('SUCCESS'),
    });
  });

  it('promtool check rules passes on the alerts', () => {
    const check = promtool(['check', 'rules', ALERTS]);
    expect({ status: check.status, output: check.output }).toEqual({
      status: 0,
      output: expect.stringContaining('SUCCESS: 6 rules found'),
    });
  });

  it('each alert fires on its story and not otherwise (promtool test rules)', () => {
    const test = promtool(['test', 'rules', join(OPS, 'prometheus/alerts.test.yml')]);
    expect({ status: test.status, output: test.output }).toEqual({
      status: 0,
      output: expect.stringContaining('SUCCESS'),
    });
  });

  it('alerts on a growing backlog, any dead letter, settle p99, 5xx and a worker gone', () => {
    expect(alertExpressions.map((rule) => rule.alert).sort()).toEqual(
      [
        'HttpServerErrors',
        'NoWorker',
        'OrderBacklogGrowing',
        'OrderDeadLettered',
        'OrderSettleLatencyHigh',
        'WorkerDown',
      ].sort(),
    );
  });
});

describe('the Grafana dashboard', () => {
  it('has the panels an operator needs', () => {
    const titles = dashboard.panels.map((panel) => panel.title).join('\n');
    for (const topic of [
      /accepted and settled per second/,
      /Settle latency/,
      /HTTP p99 by route/,
      /4xx and 5xx/,
      /backlog/i,
      /Dead letters/,
      /Re-published/,
      /Rate-limit rejections/,
      /pool saturation/,
    ]) {
      expect(titles).toMatch(topic);
    }
  });

  it('has only PromQL that Prometheus parses (each expression checked as a recording rule)', () => {
    const rules = {
      groups: [
        {
          name: 'dashboard',
          rules: dashboardExpressions.map(({ expr }, index) => ({
            record: `dashboard:panel_${index}`,
            expr,
          })),
        },
      ],
    };
    const file = join(mkdtempSync(join(tmpdir(), 'dashboard-rules-')), 'rules.json');
    writeFileSync(file, JSON.stringify(rules));
    const check = promtool(['check', 'rules', file]);
    expect({ status: check.status, output: check.output }).toEqual({
      status: 0,
      output: expect.stringContaining(`SUCCESS: ${dashboardExpressions.length} rules found`),
    });
  });

  it('names, as the alerts do, only series the service exports', async () => {
    const exported = await exportedSeries();
    const named = [...dashboardExpressions, ...alertExpressions].flatMap(({ expr }) =>
      seriesIn(expr).map((series) => ({ series, expr })),
    );
    expect(named.length).toBeGreaterThan(dashboardExpressions.length);
    expect(named.filter(({ series }) => !exported.has(series))).toEqual([]);
  });

  it('reads a selector as the names it selects (the check above relies on it)', () => {
    expect(
      seriesIn(
        'histogram_quantile(0.99, sum by (le, route) (rate(http_server_request_duration_seconds_bucket{job="api",route=~"/x"}[5m]))) > 5 and on(job) up == 1',
      ),
    ).toEqual(['http_server_request_duration_seconds_bucket', 'up']);
  });
});
