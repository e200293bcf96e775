import { ESLint } from 'eslint';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(__dirname, '..', '..');
// The config is handed over directly: ESLint's own loader uses import(), which jest's VM refuses.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const config = require('../../eslint.config.js') as ESLint.Options['overrideConfig'];
const eslint = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: config });

async function ruleIds(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, filePath) });
  return (result?.messages ?? []).map((message) => message.ruleId ?? 'parse-error');
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('the dependency rule', () => {
  it.each([
    ['src/domain/order/x.ts', "import { TOKENS } from '../../application/ports/tokens';"],
    ['src/domain/order/x.ts', "import { randomUUID } from 'node:crypto';"],
    [
      'src/application/orders/x.ts',
      "import { MemoryStore } from '../../adapters/persistence/memory/memory-store';",
    ],
    ['src/application/orders/x.ts', "import { Container } from 'inversify';"],
    ['src/application/orders/x.ts', "import Koa from 'koa';"],
    ['src/adapters/http/koa/x.ts', "import { loadConfig } from '../../../config/config';"],
  ])('refuses, in %s: %s', async (file, code) => {
    expect(await ruleIds(`${code}\nexport const used = 1;\n`, file)).toContain(
      'no-restricted-imports',
    );
  });

  it('refuses process.env outside src/config/config.ts', async () => {
    const read = 'export const port = process.env.PORT;\n';
    expect(await ruleIds(read, 'src/adapters/http/koa/x.ts')).toContain('no-restricted-syntax');
    expect(await ruleIds(read, 'src/config/x.ts')).toContain('no-restricted-syntax');
    expect(await ruleIds(read, 'src/config/config.ts')).not.toContain('no-restricted-syntax');
  });

  it("refuses inversify's unchecked binding calls outside src/config/bindings.ts", async () => {
    const bind = [
      "import type { Container } from 'inversify';",
      "export const bindClock = (c: Container) => c.bind(Symbol.for('Clock')).toConstantValue(1);",
    ].join('\n');
    expect(await ruleIds(bind, 'src/config/modules/x.ts')).toContain('no-restricted-syntax');
    expect(await ruleIds(bind, 'src/config/bindings.ts')).not.toContain('no-restricted-syntax');
  });

  it('holds for every source file of the project', async () => {
    const files = sourceFiles(join(root, 'src'));
    const results = await eslint.lintFiles(files);
    const broken = results.flatMap((result) =>
      result.messages
        .filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax')
        .map((m) => `${relative(root, result.filePath)}:${m.line} ${m.message}`),
    );
    expect(broken).toEqual([]);
  });
});
