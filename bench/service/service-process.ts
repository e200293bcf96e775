import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { setPriority } from 'node:os';
import { createInterface } from 'node:readline';

/** Runs a command to completion, failing with the tail of its output when it exits non-zero. */
export async function runCommand(command: string, args: string[], cwd: string): Promise<void> {
  const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${code}:\n${output}`);
}

export interface ChildOptions {
  /** Shown in messages. */
  name: string;
  script: string;
  cwd: string;
  env: Record<string, string>;
  /** Recognises the JSON line on stdout that says the child is ready, and the port it names. */
  ready: (log: LogLine) => number | null | undefined;
  /** Extra Node flags, such as --cpu-prof. */
  nodeFlags?: string[];
  startTimeoutMs?: number;
}

export interface RunningChild {
  name: string;
  pid: number;
  /** The HTTP port the child reported, when it serves. */
  port: number | null;
  /** What it logged, counted by level and message: `warn: order job failed; …` */
  logged: Record<string, number>;
  stop(): Promise<void>;
}

/** One line of a child's JSON output (pino's format); other lines are ignored. */
export interface LogLine {
  level?: number;
  msg?: string;
  port?: number | null;
}

/** How an info line starts its fields (pino's JSON), and the count the bench keeps of them. */
const INFO = '{"level":30,';
const INFO_LINES = 'info: (lines after start, not parsed)';

const LEVELS: Record<number, string> = {
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

function parseLogLine(line: string): LogLine | null {
  try {
    const parsed: unknown = JSON.parse(line);
    return typeof parsed === 'object' && parsed !== null ? (parsed as LogLine) : null;
  } catch {
    return null;
  }
}

async function terminate(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * Starts `node <script>` with exactly the environment given (plus PATH and HOME), and resolves
 * once `ready` recognises a line of its output.
 */
export async function startChild(options: ChildOptions): Promise<RunningChild> {
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), options.script], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Children inherit the generator's raised priority (see run.ts); what is measured must not.
  setPriority(child.pid!, 0);
  const logged: Record<string, number> = {};
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));

  const port = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${options.name} did not start in time:\n${stderr}`));
    }, options.startTimeoutMs ?? 60_000);
    const exited = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`${options.name} exited (${code}) before it was ready:\n${stderr}`));
    };
    child.once('exit', exited);
    let started = false;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      // Once started, the service writes an access line per request and one per job settled:
      // thousands a second, which parsing would charge to this process, the load generator.
      if (started && line.includes(INFO)) {
        logged[INFO_LINES] = (logged[INFO_LINES] ?? 0) + 1;
        return;
      }
      const log = parseLogLine(line);
      if (!log) return;
      const key = `${LEVELS[log.level ?? 0] ?? 'log'}: ${log.msg}`;
      logged[key] = (logged[key] ?? 0) + 1;
      const ready = options.ready(log);
      if (ready !== undefined) {
        started = true;
        clearTimeout(timer);
        child.off('exit', exited);
        resolve(ready);
      }
    });
  });

  return {
    name: options.name,
    pid: child.pid!,
    port,
    logged,
    stop: () => terminate(child, 30_000),
  };
}

/**
 * The order service's entry point in one role (`all`: API and worker in one process, as `npm
 * start` runs it), logging at info as it would in production: its start-up line, then an access
 * line per request and a line per job. Port 0 lets the system pick one, which the start-up line
 * names.
 */
export function startServiceRole(
  root: string,
  role: 'all' | 'api' | 'worker',
  env: Record<string, string>,
  nodeFlags: string[] = [],
  port = 0,
): Promise<RunningChild> {
  return startChild({
    name: `service ${role}`,
    script: 'dist/main.js',
    cwd: root,
    // No load balancer to drain from: a stopped service exits as soon as its work is done.
    env: { ...env, ROLE: role, PORT: String(port), LOG_LEVEL: 'info', SHUTDOWN_DRAIN_MS: '0' },
    nodeFlags: ['--max-old-space-size=128', '--max-semi-space-size=8', ...nodeFlags],
    ready: (log) => (log.msg === 'order service started' ? (log.port ?? null) : undefined),
  });
}
