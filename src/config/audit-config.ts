import { DEFAULT_MAX_PENDING_AGE_MS } from '../tools/mysql-invariant-audit';
import { ConfigError, loadAuditEnvironment } from './config';

/** What `npm run audit` needs: the database from the environment, the rest from its arguments. */
export type AuditConfig =
  { help: true } | { help: false; databaseUrl: string; maxPendingAgeMs: number };

export const AUDIT_USAGE = `usage: DATABASE_URL=mysql://user:pass@host:3306/db npm run audit [-- options]

Checks every invariant of the order service's database and prints each violation.
Exit status: 0 when every check holds, 1 when one does not, 2 on a usage or connection error.

options:
  --max-pending-age-ms <ms>  work PENDING (or a cancellation unapplied) longer than this is a
                             violation (default ${DEFAULT_MAX_PENDING_AGE_MS})
  --help                     print this and exit`;

const MAX_PENDING_AGE_OPTION = '--max-pending-age-ms';

function milliseconds(raw: string | undefined): number {
  const value = Number(raw);
  if (raw === undefined || raw.trim() === '' || !Number.isSafeInteger(value) || value < 0) {
    throw new ConfigError(
      MAX_PENDING_AGE_OPTION,
      `must be a non-negative integer, got "${raw ?? ''}"`,
    );
  }
  return value;
}

/** Throws ConfigError, naming the variable or option, for anything it cannot use. */
export function loadAuditConfig(
  args: readonly string[],
  env?: Record<string, string | undefined>,
): AuditConfig {
  let maxPendingAgeMs = DEFAULT_MAX_PENDING_AGE_MS;
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] ?? '';
    if (arg === '--help' || arg === '-h') return { help: true };
    if (arg === MAX_PENDING_AGE_OPTION) {
      index += 1;
      maxPendingAgeMs = milliseconds(args[index]);
    } else if (arg.startsWith(`${MAX_PENDING_AGE_OPTION}=`)) {
      maxPendingAgeMs = milliseconds(arg.slice(MAX_PENDING_AGE_OPTION.length + 1));
    } else {
      throw new ConfigError(arg, 'is not an option of the audit (see --help)');
    }
  }
  return { help: false, databaseUrl: loadAuditEnvironment(env).databaseUrl, maxPendingAgeMs };
}
