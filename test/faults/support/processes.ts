import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { createServer } from 'node:net';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Every child a fault test started and has not seen exit: killed on cleanup, even on failure. */
const live = new Set<ManagedProcess>();

// Jest may tear the worker down without running afterAll (a timeout, a crash): take the
// children with it rather than leave servers holding ports.
process.once('exit', () => {
  for (const managed of live) managed.child.kill('SIGKILL');
});

/** A child process whose output goes to a log file, with its exit as a promise. */
export class ManagedProcess {
  readonly exited: Promise<Exit>;
  private readonly log: WriteStream;
  private readonly lineListeners = new Set<(line: string) => void>();
  private pending = '';

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
    readonly logFile: string,
  ) {
    this.log = createWriteStream(logFile, { flags: 'a' });
    live.add(this);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        live.delete(this);
        resolve({ code, signal });
      });
    });
    void this.exited.then(() => this.log.end());
    child.stdout?.on('data', (chunk: Buffer) => {
      this.log.write(chunk);
      this.scan(chunk.toString('utf8'));
    });
    child.stderr?.on('data', (chunk: Buffer) => this.log.write(chunk));
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  kill(signal: NodeJS.Signals): void {
    if (this.running) this.child.kill(signal);
  }

  /** Sends `signal`; SIGKILLs it if it has not exited after `graceMs`. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<Exit> {
    if (!this.running) return this.exited;
    this.child.kill(signal);
    const timer = setTimeout(() => this.kill('SIGKILL'), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Resolves with the first stdout line `match` accepts; rejects if the process exits first. */
  waitForLine(match: (line: string) => boolean, timeoutMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const done = (error: Error | null, line = '') => {
        this.lineListeners.delete(listener);
        clearTimeout(timer);
        if (error) reject(error);
        else resolve(line);
      };
      const listener = (line: string) => {
        if (match(line)) done(null, line);
      };
      const timer = setTimeout(
        () =>
          done(new Error(`${this.name} did not get ready in ${timeoutMs} ms; see ${this.logFile}`)),
        timeoutMs,
      );
      this.lineListeners.add(listener);
      void this.exited.then(({ code, signal }) =>
        done(
          new Error(
            `${this.name} exited (${code ?? signal}) before it was ready; see ${this.logFile}`,
          ),
        ),
      );
    });
  }

  private scan(text: string): void {
    const lines = (this.pending + text).split('\n');
    this.pending = lines.pop() ?? '';
    for (const line of lines) for (const listener of this.lineListeners) listener(line);
  }
}

export function spawnManaged(
  name: string,
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; logFile: string; cwd?: string },
): ManagedProcess {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new ManagedProcess(name, child, options.logFile);
}

/** SIGKILLs every child still running; for cleanup after a test, passed or failed. */
export async function killAllManaged(): Promise<void> {
  const running = [...live];
  for (const managed of running) managed.kill('SIGKILL');
  await Promise.all(running.map((managed) => managed.exited));
}

/** A TCP port nothing listens on right now, for a server of the test's own. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
