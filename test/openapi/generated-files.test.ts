import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { createApp } from '../../src/adapters/http/koa/create-app';
import { stubDependencies } from '../http/http-kit';
import { DOCUMENT_FILE } from '../support/openapi-document';

/**
 * Two files are generated and checked in: docs/openapi.json, the document as the service serves
 * it (what clients generate from, and what every contract check reads), and the client types
 * openapi-typescript makes of it (type-checked, strict, with the code that uses them). Both are
 * reviewed as diffs when the API changes; this test fails when either is stale, and
 * `npm run openapi` (this test with OPENAPI_UPDATE=1) rewrites them.
 */

export const CLIENT_TYPES_FILE = join(__dirname, 'generated/order-service.ts');

const UPDATE = process.env.OPENAPI_UPDATE === '1';

async function servedDocument(): Promise<string> {
  const response = await request(createApp(stubDependencies()).callback()).get('/openapi.json');
  expect(response.status).toBe(200);
  return `${JSON.stringify(JSON.parse(response.text), null, 2)}\n`;
}

/**
 * The generator's own command line, with its default options, as a client's build would run it
 * (in a process of its own: its ESM dependencies do not load in jest's module system).
 */
async function openapiTypescript(document: string, ...options: string[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'openapi-'));
  try {
    writeFileSync(join(dir, 'openapi.json'), document);
    await promisify(execFile)(process.execPath, [
      join(dirname(require.resolve('openapi-typescript/package.json')), 'bin/cli.js'),
      join(dir, 'openapi.json'),
      '--output',
      CLIENT_TYPES_FILE,
      ...options,
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A stale file fails with the command that brings it up to date. */
function expectFresh(file: string, state: 'up to date' | 'stale'): void {
  const said = state === 'stale' ? 'stale: run `npm run openapi` and review the diff' : state;
  expect(`${file} is ${said}`).toBe(`${file} is up to date`);
}

function expectFile(file: string, expected: string): void {
  if (UPDATE) writeFileSync(file, expected);
  expectFresh(file, readFileSync(file, 'utf8') === expected ? 'up to date' : 'stale');
}

describe('generated files', () => {
  it('docs/openapi.json is the document the service serves', async () => {
    expectFile(DOCUMENT_FILE, await servedDocument());
  });

  it('the generated client types are those of the served document', async () => {
    const document = await servedDocument();
    if (UPDATE) await openapiTypescript(document);
    const state = await openapiTypescript(document, '--check').then(
      () => 'up to date' as const,
      () => 'stale' as const,
    );
    expectFresh(CLIENT_TYPES_FILE, state);
  });
});
