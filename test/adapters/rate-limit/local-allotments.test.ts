import { LocalAllotments, type Taken } from '../../../src/adapters/rate-limit/local-allotments';

/** Shared counters for one window that never ends: what several processes take from. */
function counters(quota: number) {
  const used = new Map<string, number>();
  const trips: number[] = [];
  return {
    trips,
    used: (key: string) => used.get(key) ?? 0,
    async takePoints(key: string, points: number): Promise<Taken> {
      await Promise.resolve();
      trips.push(points);
      const total = (used.get(key) ?? 0) + points;
      used.set(key, total);
      return {
        allowed: total <= quota,
        remaining: Math.max(0, quota - total),
        msBeforeNext: 60_000,
      };
    },
  };
}

async function takeUntilRefused(allotments: LocalAllotments[], key: string): Promise<Taken[]> {
  const verdicts: Taken[] = [];
  for (let i = 0; ; i += 1) {
    const taken = await allotments[i % allotments.length]!.take(key);
    verdicts.push(taken);
    if (!taken.allowed) return verdicts;
  }
}

describe('LocalAllotments', () => {
  it('takes one point to learn the count, then `size` at a time while far from the limit', async () => {
    const shared = counters(1000);
    const allotments = new LocalAllotments(10, (key, points) => shared.takePoints(key, points));

    for (let i = 0; i < 51; i += 1) await allotments.take('k');

    expect(shared.trips).toEqual([1, 10, 10, 10, 10, 10]);
    expect(shared.used('k')).toBe(51);
  });

  it('reports what is left in the window, the points it still holds included', async () => {
    const shared = counters(100);
    const allotments = new LocalAllotments(10, (key, points) => shared.takePoints(key, points));

    const remaining = [];
    for (let i = 0; i < 30; i += 1) remaining.push((await allotments.take('k')).remaining);

    expect(remaining).toEqual(Array.from({ length: 30 }, (_, i) => 99 - i));
  });

  it('never lets more than the quota through several processes, and loses at most size − 1 each', async () => {
    const shared = counters(1000);
    const processes = [1, 2, 3].map(
      () => new LocalAllotments(10, (key, points) => shared.takePoints(key, points)),
    );

    const verdicts = await takeUntilRefused(processes, 'k');
    const allowed = verdicts.filter((taken) => taken.allowed).length;

    expect(allowed).toBeLessThanOrEqual(1000);
    expect(allowed).toBeGreaterThanOrEqual(1000 - 3 * 9);
  });

  it('takes point by point near the limit, and after a refusal', async () => {
    const shared = counters(25);
    const allotments = new LocalAllotments(10, (key, points) => shared.takePoints(key, points));

    const verdicts = await takeUntilRefused([allotments], 'k');
    await allotments.take('k');

    expect(verdicts.filter((taken) => taken.allowed)).toHaveLength(25);
    // 1 to learn, 10 while 24 were left, then one by one: 14 let in, 1 refused, 1 after it.
    expect(shared.trips).toEqual([1, 10, ...Array<number>(16).fill(1)]);
  });

  it('serves concurrent takes of a key from one trip at a time', async () => {
    const shared = counters(1000);
    const allotments = new LocalAllotments(10, (key, points) => shared.takePoints(key, points));

    const verdicts = await Promise.all(Array.from({ length: 21 }, () => allotments.take('k')));

    expect(verdicts.every((taken) => taken.allowed)).toBe(true);
    expect(shared.trips).toEqual([1, 10, 10]);
    expect(new Set(verdicts.map((taken) => taken.remaining)).size).toBe(21);
  });

  it('drops the points it holds when their window ends', async () => {
    let now = 0;
    const trips: number[] = [];
    const allotments = new LocalAllotments(10, async (_key, points) => {
      trips.push(points);
      return { allowed: true, remaining: 500, msBeforeNext: 1000 - (now % 1000) };
    });
    const clock = jest.spyOn(Date, 'now').mockImplementation(() => now);
    try {
      await allotments.take('k');
      await allotments.take('k');
      now = 1000;
      await allotments.take('k');

      expect(trips).toEqual([1, 10, 1]);
    } finally {
      clock.mockRestore();
    }
  });

  it('passes a fault on to the take that met it, and lets the next one try again', async () => {
    let fail = true;
    const allotments = new LocalAllotments(10, async () => {
      if (fail) throw new Error('store unreachable');
      return { allowed: true, remaining: 500, msBeforeNext: 1000 };
    });

    await expect(allotments.take('k')).rejects.toThrow('store unreachable');
    fail = false;
    await expect(allotments.take('k')).resolves.toMatchObject({ allowed: true });
  });
});
