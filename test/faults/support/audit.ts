import type { Pool } from 'mysql2/promise';
import { auditDatabase } from '../../../src/tools/mysql-invariant-audit';

/**
 * Runs the store's invariant audit and fails with every violation unless it is clean; returns
 * the word the summary line carries. A fault test audits once every order has settled, so no
 * order may be PENDING at all.
 */
export async function expectCleanAudit(pool: Pool): Promise<string> {
  const report = await auditDatabase(pool, { maxPendingAgeMs: 0 });
  if (!report.ok) {
    const broken = report.checks
      .filter((check) => check.violations.length > 0)
      .map(
        (check) =>
          `${check.name} (${check.violations.length}): ${check.violations.slice(0, 5).join(' | ')}`,
      );
    throw new Error(`the invariant audit is not clean:\n${broken.join('\n')}`);
  }
  return `clean(${report.checks.length}-checks)`;
}
