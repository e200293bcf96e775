import type { Logger } from '../../src/application/ports/logger';

/** Keeps test output readable; tests that care about logs pass their own. */
export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
