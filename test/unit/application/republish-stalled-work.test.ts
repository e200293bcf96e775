import { RepublishStalledWork } from '../../../src/application/orders/republish-stalled-work';
import type { OrderJob } from '../../../src/application/ports/order-queue';
import { orderId } from '../../../src/domain/shared/ids';
import { ManualClock } from '../../support/fakes';
import { MemoryMetrics } from '../../../src/adapters/metrics/memory/memory-metrics';

const stalled: OrderJob[] = ['a', 'b', 'c', 'd', 'e'].map((id) => ({
  kind: 'PLACE',
  orderId: orderId(id),
}));

function republisher(
  found: readonly OrderJob[],
  options: { batchSize: number; publishSize: number },
) {
  const publishes: OrderJob[][] = [];
  const asked: { before: Date; limit: number }[] = [];
  const clock = new ManualClock(new Date('2026-01-01T00:00:10.000Z'));
  const useCase = new RepublishStalledWork(
    {
      findStalledWork: async (before, limit) => {
        asked.push({ before, limit });
        return found.slice(0, limit);
      },
    },
    { republish: async (jobs) => void publishes.push([...jobs]) },
    clock,
    new MemoryMetrics(),
    { stalledAfterMs: 4_000, ...options },
  );
  return { useCase, publishes, asked };
}

describe('RepublishStalledWork', () => {
  it('asks for work older than the threshold, at most a sweep of it', async () => {
    const { useCase, asked } = republisher(stalled, { batchSize: 3, publishSize: 10 });

    expect(await useCase.execute()).toBe(3);

    expect(asked).toEqual([{ before: new Date('2026-01-01T00:00:06.000Z'), limit: 3 }]);
  });

  it('publishes a sweep in order, in publishes of at most publishSize jobs', async () => {
    const { useCase, publishes } = republisher(stalled, { batchSize: 100, publishSize: 2 });

    expect(await useCase.execute()).toBe(5);

    expect(publishes).toEqual([stalled.slice(0, 2), stalled.slice(2, 4), stalled.slice(4)]);
  });

  it('publishes nothing when nothing waits', async () => {
    const { useCase, publishes } = republisher([], { batchSize: 100, publishSize: 2 });

    expect(await useCase.execute()).toBe(0);

    expect(publishes).toEqual([]);
  });
});
