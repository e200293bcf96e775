import {
  ConcurrencyConflictError,
  DependencyUnavailableError,
} from '../../../src/application/errors';
import {
  Batcher,
  failed,
  succeeded,
  type BatchOptions,
  type Outcome,
} from '../../../src/application/shared/batcher';

/** One call of the fake run, left open until the test settles it. */
interface Run {
  inputs: readonly string[];
  resolve(outcomes: Outcome<string>[]): void;
  reject(error: unknown): void;
}

/**
 * A run the test drives by hand: every call is recorded and stays pending until the test resolves
 * or rejects it, so what runs together, and when, is decided by the test alone.
 */
class FakeRun {
  readonly runs: Run[] = [];
  private readonly waiters: { count: number; wake(): void }[] = [];

  readonly run = (inputs: readonly string[]): Promise<Outcome<string>[]> =>
    new Promise((resolve, reject) => {
      this.runs.push({ inputs: [...inputs], resolve, reject });
      for (const waiter of this.waiters.filter((w) => this.runs.length >= w.count)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.wake();
      }
    });

  /** Resolves once the run has been called `count` times in all. */
  async started(count: number): Promise<void> {
    if (this.runs.length >= count) return;
    await new Promise<void>((wake) => this.waiters.push({ count, wake }));
  }

  at(index: number): Run {
    const run = this.runs[index];
    if (!run) throw new Error(`The run was called ${this.runs.length} times, not ${index + 1}`);
    return run;
  }

  inputs(): string[][] {
    return this.runs.map((run) => [...run.inputs]);
  }
}

/** Observes a submit at once, so that its rejection is never left unhandled while a test waits. */
const outcomeOf = (result: Promise<string>): Promise<Outcome<string>> =>
  result.then(succeeded<string>, failed<string>);

function errorOf(outcome: Outcome<string> | undefined): unknown {
  if (!outcome || outcome.ok) throw new Error(`Expected a failure, got ${JSON.stringify(outcome)}`);
  return outcome.error;
}

const upper = (inputs: readonly string[]): Outcome<string>[] =>
  inputs.map((input) => succeeded(input.toUpperCase()));

describe('Batcher', () => {
  let fake: FakeRun;
  const batcher = (options: BatchOptions) => new Batcher(fake.run, options);

  beforeEach(() => {
    fake = new FakeRun();
  });

  it('runs a lone input at once, as a batch of one', async () => {
    const result = batcher({ maxSize: 10, maxInFlight: 1 }).submit('a');
    expect(fake.inputs()).toEqual([['a']]);
    fake.at(0).resolve(upper(['a']));
    await expect(result).resolves.toBe('A');
  });

  it('groups what arrives while the run is busy into the next runs, maxSize each, in order', async () => {
    const b = batcher({ maxSize: 3, maxInFlight: 1 });
    const results = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((input) => b.submit(input));
    expect(fake.inputs()).toEqual([['a']]);

    for (let index = 0; index < 3; index += 1) {
      fake.at(index).resolve(upper(fake.at(index).inputs));
      await fake.started(index + 2);
    }
    fake.at(3).resolve(upper(fake.at(3).inputs));

    expect(fake.inputs()).toEqual([['a'], ['b', 'c', 'd'], ['e', 'f', 'g'], ['h']]);
    expect(await Promise.all(results)).toEqual(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H']);
  });

  it('keeps at most maxInFlight runs under way, starting the next as soon as one ends', async () => {
    const b = batcher({ maxSize: 2, maxInFlight: 2 });
    const results = ['a', 'b', 'c', 'd', 'e'].map((input) => b.submit(input));
    expect(fake.inputs()).toEqual([['a'], ['b']]);

    fake.at(1).resolve(upper(['b']));
    await fake.started(3);
    expect(fake.inputs()).toEqual([['a'], ['b'], ['c', 'd']]);

    fake.at(0).resolve(upper(['a']));
    await fake.started(4);
    expect(fake.inputs()).toEqual([['a'], ['b'], ['c', 'd'], ['e']]);

    fake.at(2).resolve(upper(['c', 'd']));
    fake.at(3).resolve(upper(['e']));
    expect(await Promise.all(results)).toEqual(['A', 'B', 'C', 'D', 'E']);
  });

  it("fills a run up to maxSize by the inputs' sizes, oldest first, never splitting an input", async () => {
    const b = new Batcher(fake.run, { maxSize: 5, maxInFlight: 1 }, (input) => input.length);
    const results = ['a', 'bbb', 'cc', 'ddd', 'eeeeeee', 'f'].map((input) => b.submit(input));
    expect(fake.inputs()).toEqual([['a']]);

    for (let index = 0; index < 4; index += 1) {
      fake.at(index).resolve(upper(fake.at(index).inputs));
      await fake.started(index + 2);
    }
    fake.at(4).resolve(upper(fake.at(4).inputs));

    expect(fake.inputs()).toEqual([['a'], ['bbb', 'cc'], ['ddd'], ['eeeeeee'], ['f']]);
    expect(await Promise.all(results)).toEqual(['A', 'BBB', 'CC', 'DDD', 'EEEEEEE', 'F']);
  });

  /** Occupies the only run slot with 'first', queues `inputs` and waits for their batch. */
  async function batchOf(inputs: string[]) {
    const b = batcher({ maxSize: 10, maxInFlight: 1 });
    const first = b.submit('first');
    const results = inputs.map((input) => outcomeOf(b.submit(input)));
    fake.at(0).resolve(upper(['first']));
    await first;
    await fake.started(2);
    expect(fake.at(1).inputs).toEqual(inputs);
    return { b, results: Promise.all(results) };
  }

  /** A later input runs on its own: nothing of the batch before it was queued again. */
  async function expectNextRunAlone(b: Batcher<string, string>): Promise<void> {
    const count = fake.runs.length;
    const next = b.submit('next');
    expect(fake.inputs().slice(count)).toEqual([['next']]);
    fake.at(count).resolve(upper(['next']));
    await expect(next).resolves.toBe('NEXT');
  }

  it('settles each caller with its own outcome, an error failing only its input', async () => {
    const { b, results } = await batchOf(['a', 'b', 'c']);
    const refused = new Error('b is refused');
    fake.at(1).resolve([succeeded('A'), failed(refused), succeeded('C')]);

    const [a, refusedB, c] = await results;
    expect(a).toEqual(succeeded('A'));
    expect(errorOf(refusedB)).toBe(refused);
    expect(c).toEqual(succeeded('C'));
    await expectNextRunAlone(b);
  });

  it('re-runs each input alone when a whole run throws, so one poisoned input fails alone', async () => {
    const { b, results } = await batchOf(['a', 'poison', 'c']);
    const poisoned = new Error('poison cannot be stored');
    fake.at(1).reject(new Error('the batch failed'));

    await fake.started(3);
    expect(fake.at(2).inputs).toEqual(['a']);
    fake.at(2).resolve(upper(['a']));
    await fake.started(4);
    expect(fake.at(3).inputs).toEqual(['poison']);
    fake.at(3).reject(poisoned);
    await fake.started(5);
    expect(fake.at(4).inputs).toEqual(['c']);
    fake.at(4).resolve(upper(['c']));

    const [a, poison, c] = await results;
    expect(a).toEqual(succeeded('A'));
    expect(errorOf(poison)).toBe(poisoned);
    expect(c).toEqual(succeeded('C'));
    await expectNextRunAlone(b);
  });

  it.each([
    ['ConcurrencyConflictError', () => new ConcurrencyConflictError()],
    ['DependencyUnavailableError', () => new DependencyUnavailableError('database')],
  ])('fails every input of a run that throws %s, without re-running any', async (_, make) => {
    const { b, results } = await batchOf(['a', 'b', 'c']);
    const transient = make();
    fake.at(1).reject(transient);

    for (const outcome of await results) expect(errorOf(outcome)).toBe(transient);
    await expectNextRunAlone(b);
  });

  it('fails the inputs a run gave no outcome for, and settles the others', async () => {
    const { b, results } = await batchOf(['a', 'b', 'c']);
    fake.at(1).resolve([succeeded('A')]);

    const [a, ...rest] = await results;
    expect(a).toEqual(succeeded('A'));
    for (const outcome of rest) {
      expect(errorOf(outcome)).toMatchObject({ message: expect.stringContaining('no outcome') });
    }
    await expectNextRunAlone(b);
  });

  it('does not re-run a batch of one that throws', async () => {
    const b = batcher({ maxSize: 10, maxInFlight: 1 });
    const lone = outcomeOf(b.submit('lone'));
    const broken = new Error('lone is broken');
    fake.at(0).reject(broken);

    expect(errorOf(await lone)).toBe(broken);
    expect(fake.inputs()).toEqual([['lone']]);
    await expectNextRunAlone(b);
  });
});
