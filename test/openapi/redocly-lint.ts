import { createConfig, lintFromString, type Config } from '@redocly/openapi-core';
import { DOCUMENT_FILE } from '../support/openapi-document';
import { CONTRACT_RULES, contractRules } from './contract-rules';

/**
 * Redocly's lint, as a client's tooling would run it: its strict recommended ruleset, a few of its
 * optional rules that the contract implies, and our own rules for the contract's conventions
 * (contract-rules.ts). Every finding is an error.
 */

function lintConfig(): Promise<Config> {
  return createConfig({
    extends: ['recommended-strict'],
    plugins: [contractRules],
    rules: {
      // A private service: there is no licence to state.
      'info-license': 'off',
      'info-license-strict': 'off',
      'operation-4xx-problem-details-rfc7807': 'error',
      'no-invalid-schema-examples': 'error',
      'no-invalid-parameter-examples': 'error',
      'no-required-schema-properties-undefined': 'error',
      'response-mime-type': {
        severity: 'error',
        // text/plain: the Prometheus exposition at /metrics, a format scrapers define, not us.
        allowedValues: ['application/json', 'application/problem+json', 'text/plain'],
      },
      'request-mime-type': { severity: 'error', allowedValues: ['application/json'] },
      ...Object.fromEntries(CONTRACT_RULES.map((rule) => [rule, 'error'])),
    },
  });
}

export async function lintProblems(source: string): Promise<string[]> {
  const problems = await lintFromString({
    source,
    absoluteRef: DOCUMENT_FILE,
    config: await lintConfig(),
  });
  return problems.map(
    (problem) =>
      `${problem.ruleId}: ${problem.message} (${problem.location[0]?.pointer ?? 'somewhere'})`,
  );
}
