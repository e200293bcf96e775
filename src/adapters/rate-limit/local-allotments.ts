/** What the shared counters answered to one take of `points` at once. */
export interface Taken {
  allowed: boolean;
  /** Points left in the window, this take's included in the count. */
  remaining: number;
  /** Until the earliest window this take counted in ends. */
  msBeforeNext: number;
}

export type TakePoints = (key: string, points: number) => Promise<Taken>;

interface Allotment {
  /** Points taken from the counters and not yet handed out. */
  left: number;
  /** What the counters had left once these points were taken. */
  remaining: number;
  /** When the window the points were counted in ends, and with it the allotment. */
  until: number;
}

/** Beyond this many keys held at once the allotments are dropped: a spread of addresses cannot grow them. */
const MAX_KEYS = 10_000;

/**
 * Takes the points of a busy key from the shared counters `size` at a time and hands them out
 * here, so that most requests cost no round trip. The counters see every point before it is
 * handed out, so no key ever gets more than its limit across processes; the price is that points
 * still held when their window ends are lost, at most `size − 1` per key and process and window.
 * Near the limit, and whenever the counters' state is unknown, it takes one point at a time.
 */
export class LocalAllotments {
  private readonly held = new Map<string, Allotment>();
  private readonly taking = new Map<string, Promise<unknown>>();

  constructor(
    private readonly size: number,
    private readonly takePoints: TakePoints,
  ) {}

  async take(key: string): Promise<Taken> {
    for (;;) {
      const inFlight = this.taking.get(key);
      if (inFlight) {
        // One trip per key at a time: the takes that queue behind it may be served by its points.
        await inFlight.catch(() => undefined);
        continue;
      }
      const now = Date.now();
      const allotment = this.held.get(key);
      const current = allotment && now < allotment.until ? allotment : undefined;
      if (current && current.left > 0) {
        current.left -= 1;
        return {
          allowed: true,
          remaining: current.remaining + current.left,
          msBeforeNext: current.until - now,
        };
      }
      const points = current && current.remaining >= 2 * this.size ? this.size : 1;
      const trip = this.takePoints(key, points);
      this.taking.set(key, trip);
      try {
        const taken = await trip;
        this.keep(key, taken, points - 1);
        return { ...taken, remaining: taken.remaining + (taken.allowed ? points - 1 : 0) };
      } finally {
        this.taking.delete(key);
      }
    }
  }

  private keep(key: string, taken: Taken, spare: number): void {
    if (!taken.allowed) {
      this.held.delete(key);
      return;
    }
    if (!this.held.has(key) && this.held.size >= MAX_KEYS) this.held.clear();
    this.held.set(key, {
      left: spare,
      remaining: taken.remaining,
      until: Date.now() + taken.msBeforeNext,
    });
  }
}
