import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnManaged, type ManagedProcess } from './processes';

/** The built entry point `npm run test:faults` produces before jest starts. */
export const MAIN = resolve(__dirname, '../../../dist/main.js');

export type Role = 'api' | 'worker';

export interface ServiceProcess {
  role: Role;
  process: ManagedProcess;
}

let started = 0;

/**
 * Starts `node dist/main.js` as a real process with `env` (on top of PATH only, so the
 * developer's own variables never leak in) and resolves once it logged that it serves.
 */
export async function startServiceProcess(
  role: Role,
  env: Record<string, string>,
  logDir: string,
): Promise<ServiceProcess> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build first`);
  started += 1;
  const name = `${role}-${started}`;
  const managed = spawnManaged(name, process.execPath, [MAIN], {
    // A worker serves /health, /ready and /metrics on a port of its own, never the API's.
    env: {
      PATH: process.env.PATH ?? '',
      ...env,
      ROLE: role,
      ...(role === 'worker' && { PORT: '0' }),
    },
    logFile: join(logDir, `${name}.log`),
  });
  try {
    await managed.waitForLine((line) => line.includes('"msg":"order service started"'), 60_000);
  } catch (error) {
    await managed.stop('SIGKILL');
    throw error;
  }
  return { role, process: managed };
}
