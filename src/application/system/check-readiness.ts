import type { HealthCheck } from '../ports/health-check';

export interface DependencyStatus {
  name: string;
  ok: boolean;
  optional: boolean;
}

/**
 * `ready`: every dependency answers; `degraded`: only optional ones do not, and the service still
 * serves; `unavailable`: a required one does not; `draining`: the process is shutting down.
 */
export type ReadinessStatus = 'ready' | 'degraded' | 'unavailable' | 'draining';

export interface Readiness {
  status: ReadinessStatus;
  dependencies: DependencyStatus[];
}

/**
 * Asks every configured dependency at once; one that does not answer in time is down. Once the
 * process starts draining it is never ready again: a load balancer takes it out of rotation
 * while it still serves what it is sent.
 */
export class CheckReadiness {
  private draining = false;

  constructor(
    private readonly checks: readonly HealthCheck[],
    private readonly timeoutMs: number,
  ) {}

  /** From now on the service says it is not ready (see service.ts, shutdown). */
  startDraining(): void {
    this.draining = true;
  }

  async execute(): Promise<Readiness> {
    if (this.draining) return { status: 'draining', dependencies: [] };
    const dependencies = await Promise.all(
      this.checks.map(async (dependency) => ({
        name: dependency.name,
        ok: await this.answers(dependency),
        optional: dependency.optional ?? false,
      })),
    );
    const down = dependencies.filter((dependency) => !dependency.ok);
    const status = down.some((dependency) => !dependency.optional)
      ? 'unavailable'
      : down.length > 0
        ? 'degraded'
        : 'ready';
    return { status, dependencies };
  }

  private async answers(dependency: HealthCheck): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), this.timeoutMs);
    });
    const check = dependency.check().then(
      () => true,
      () => false,
    );
    try {
      return await Promise.race([check, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
