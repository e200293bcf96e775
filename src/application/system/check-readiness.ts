import type { HealthCheck } from '../ports/health-check';

export interface DependencyStatus {
  name: string;
  ok: boolean;
}

/** Asks every configured dependency at once; one that does not answer in time is not ready. */
export class CheckReadiness {
  constructor(
    private readonly checks: readonly HealthCheck[],
    private readonly timeoutMs: number,
  ) {}

  async execute(): Promise<DependencyStatus[]> {
    return Promise.all(
      this.checks.map(async (dependency) => ({
        name: dependency.name,
        ok: await this.answers(dependency),
      })),
    );
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
