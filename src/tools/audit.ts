import { auditDatabase, type AuditReport } from './mysql-invariant-audit';
import { parseMysqlUrl } from '../adapters/persistence/mysql/mysql-connection';
import { AUDIT_USAGE, loadAuditConfig } from '../config/audit-config';
import { ConfigError } from '../config/config';

/** `npm run audit`: checks the database DATABASE_URL names against every invariant of the store. */

export const EXIT_CLEAN = 0;
export const EXIT_VIOLATIONS = 1;
export const EXIT_ERROR = 2;

export interface AuditOutput {
  out(line: string): void;
  err(line: string): void;
}

/** Violations shown per check; the rest are counted. */
export const MAX_VIOLATIONS_SHOWN = 20;

const consoleOutput: AuditOutput = {
  out: (line) => void process.stdout.write(`${line}\n`),
  err: (line) => void process.stderr.write(`${line}\n`),
};

/** One line per check with its counts, then its violations (at most `maxShown` of them). */
export function formatAuditReport(report: AuditReport, maxShown = MAX_VIOLATIONS_SHOWN): string[] {
  const lines: string[] = [];
  for (const check of report.checks) {
    const found = check.violations.length;
    lines.push(
      `${found === 0 ? 'ok  ' : 'FAIL'}  ${check.name}: ${check.checked} checked, ${found} violation${found === 1 ? '' : 's'}`,
    );
    if (found === 0) continue;
    lines.push(`      ${check.description}`);
    for (const violation of check.violations.slice(0, maxShown)) lines.push(`      - ${violation}`);
    if (found > maxShown) lines.push(`      … and ${found - maxShown} more`);
  }
  const failed = report.checks.filter((check) => check.violations.length > 0);
  const total = failed.reduce((sum, check) => sum + check.violations.length, 0);
  lines.push(
    report.ok
      ? `All ${report.checks.length} checks hold.`
      : `${total} violation${total === 1 ? '' : 's'} in ${failed.length} of ${report.checks.length} checks.`,
  );
  return lines;
}

/** Driver errors for a refused connection can carry an empty message and only a code. */
function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return error.message || (typeof code === 'string' ? code : error.name);
  }
  return String(error);
}

/**
 * Runs the audit and resolves with the exit status. `env` defaults to the process environment
 * (read in src/config); `output` to stdout and stderr.
 */
export async function main(
  args: readonly string[],
  env?: Record<string, string | undefined>,
  output: AuditOutput = consoleOutput,
): Promise<number> {
  let config;
  try {
    config = loadAuditConfig(args, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    output.err(error.message);
    output.err(AUDIT_USAGE);
    return EXIT_ERROR;
  }
  if (config.help) {
    output.out(AUDIT_USAGE);
    return EXIT_CLEAN;
  }

  let report: AuditReport;
  try {
    const { host, port, database } = parseMysqlUrl(config.databaseUrl);
    output.out(
      `Auditing database ${database} on ${host}:${port} (work may stay pending ${config.maxPendingAgeMs} ms)`,
    );
    report = await auditDatabase(config.databaseUrl, { maxPendingAgeMs: config.maxPendingAgeMs });
  } catch (error) {
    output.err(`audit: could not audit the database: ${describe(error)}`);
    return EXIT_ERROR;
  }
  for (const line of formatAuditReport(report)) output.out(line);
  return report.ok ? EXIT_CLEAN : EXIT_VIOLATIONS;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`audit: ${describe(error)}\n`);
      process.exitCode = EXIT_ERROR;
    },
  );
}
