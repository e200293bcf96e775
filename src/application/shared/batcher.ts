import { isTransient } from '../errors';

/** What one input of a batch came to: its value, or an error that is its alone. */
export type Outcome<O> = { ok: true; value: O } | { ok: false; error: unknown };

export const succeeded = <O>(value: O): Outcome<O> => ({ ok: true, value });
export const failed = <O>(error: unknown): Outcome<O> => ({ ok: false, error });

export interface BatchOptions {
  /** The most inputs given to one run, or their most total size when a size is given. */
  maxSize: number;
  /** Runs under way at once; inputs submitted meanwhile wait and form the next batch. */
  maxInFlight: number;
}

interface Entry<I, O> {
  input: I;
  resolve(value: O): void;
  reject(error: unknown): void;
}

/**
 * Groups concurrent calls into one run, so that many writes share one transaction. An input never
 * waits for a timer: it runs at once when a run slot is free, and under load the inputs that
 * arrive while the slots are busy go together into the next run. Nothing waits for a batch to
 * fill, so a lone request costs what it did unbatched.
 *
 * When a whole run throws, one bad input must not fail the others: each is run again on its own
 * and settles with its own outcome. A transient error (store unreachable, lock conflicts after the
 * store's own retries) fails them all at once instead, since each would only meet it again.
 */
export class Batcher<I, O> {
  private readonly waiting: Entry<I, O>[] = [];
  private inFlight = 0;

  /** `sizeOf` weighs an input (1 each by default); one heavier than maxSize runs alone. */
  constructor(
    private readonly run: (inputs: readonly I[]) => Promise<Outcome<O>[]>,
    private readonly options: BatchOptions,
    private readonly sizeOf: (input: I) => number = () => 1,
  ) {}

  submit(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ input, resolve, reject });
      this.startRuns();
    });
  }

  private startRuns(): void {
    while (this.inFlight < this.options.maxInFlight && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.fitting());
      this.inFlight += 1;
      void this.settle(batch).finally(() => {
        this.inFlight -= 1;
        this.startRuns();
      });
    }
  }

  /** How many of the oldest waiting inputs fit in one run; always at least one. */
  private fitting(): number {
    let size = 0;
    let count = 0;
    for (const { input } of this.waiting) {
      size += this.sizeOf(input);
      if (count > 0 && size > this.options.maxSize) break;
      count += 1;
    }
    return count;
  }

  private async settle(batch: readonly Entry<I, O>[]): Promise<void> {
    let outcomes: Outcome<O>[];
    try {
      outcomes = await this.run(batch.map((entry) => entry.input));
    } catch (error) {
      if (batch.length === 1 || isTransient(error)) {
        for (const entry of batch) entry.reject(error);
        return;
      }
      for (const entry of batch) await this.settle([entry]);
      return;
    }
    batch.forEach((entry, index) => {
      const outcome = outcomes[index];
      if (!outcome) entry.reject(new Error(`Batch run gave no outcome for input ${index}`));
      else if (outcome.ok) entry.resolve(outcome.value);
      else entry.reject(outcome.error);
    });
  }
}
