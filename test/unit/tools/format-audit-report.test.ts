import type { AuditReport } from '../../../src/tools/mysql-invariant-audit';
import { formatAuditReport } from '../../../src/tools/audit';

const check = (name: string, checked: number, violations: string[]) => ({
  name,
  description: `what ${name} means`,
  checked,
  violations,
});

describe('formatAuditReport', () => {
  it('prints one line per check with its counts, and says when all hold', () => {
    const report: AuditReport = {
      checks: [check('stock-non-negative', 3, []), check('balance-non-negative', 1, [])],
      ok: true,
    };

    expect(formatAuditReport(report)).toEqual([
      'ok    stock-non-negative: 3 checked, 0 violations',
      'ok    balance-non-negative: 1 checked, 0 violations',
      'All 2 checks hold.',
    ]);
  });

  it('prints every violation of a failing check up to the cap, then how many more', () => {
    const many = Array.from({ length: 7 }, (_, index) => `product p${index}: stock is -1`);
    const report: AuditReport = {
      checks: [
        check('stock-non-negative', 9, many),
        check('balance-non-negative', 2, ['customer c1: balance is -5']),
        check('no-stalled-work', 0, []),
      ],
      ok: false,
    };

    expect(formatAuditReport(report, 5)).toEqual([
      'FAIL  stock-non-negative: 9 checked, 7 violations',
      '      what stock-non-negative means',
      '      - product p0: stock is -1',
      '      - product p1: stock is -1',
      '      - product p2: stock is -1',
      '      - product p3: stock is -1',
      '      - product p4: stock is -1',
      '      … and 2 more',
      'FAIL  balance-non-negative: 2 checked, 1 violation',
      '      what balance-non-negative means',
      '      - customer c1: balance is -5',
      'ok    no-stalled-work: 0 checked, 0 violations',
      '8 violations in 2 of 3 checks.',
    ]);
  });
});
