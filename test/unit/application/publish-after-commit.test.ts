import { OverloadedError } from '../../../src/application/errors';
import {
  MAX_JOBS_UNDER_WAY,
  PublishAfterCommit,
} from '../../../src/application/orders/publish-after-commit';
import type { OrderQueue } from '../../../src/application/ports/order-queue';
import { RecordingLogger } from '../../http/http-kit';
import { job, jobs, ManualBroker, settlesSoon, turn } from '../../support/manual-broker';

describe('PublishAfterCommit', () => {
  let broker: ManualBroker;
  let logger: RecordingLogger;
  let publisher: PublishAfterCommit;

  beforeEach(() => {
    broker = new ManualBroker();
    logger = new RecordingLogger();
    publisher = new PublishAfterCommit(broker, logger);
  });

  it('hands the jobs to the broker at once and returns without waiting for its confirmation', () => {
    publisher.publish([job('a'), job('b')], 'not published');

    expect(broker.published).toEqual([[job('a'), job('b')]]);
  });

  it('sends nothing for no jobs', async () => {
    publisher.publish([], 'not published');

    expect(broker.published).toEqual([]);
    expect(await settlesSoon(publisher.settled())).toBe(true);
  });

  it('is settled only once every publish under way was confirmed', async () => {
    publisher.publish([job('a')], 'not published');
    publisher.publish([job('b')], 'not published');

    broker.confirm(0);
    expect(await settlesSoon(publisher.settled())).toBe(false);
    broker.confirm(1);
    expect(await settlesSoon(publisher.settled())).toBe(true);
    expect(logger.lines).toEqual([]);
  });

  it('has room for new work until too many jobs are unconfirmed, and again once few enough are', async () => {
    publisher.publish([job('first')], 'not published');
    publisher.publish(jobs('a', MAX_JOBS_UNDER_WAY - 2), 'not published');
    expect(() => publisher.checkRoom()).not.toThrow();

    publisher.publish([job('b')], 'not published');

    expect(() => publisher.checkRoom()).toThrow(OverloadedError);
    broker.confirm(0);
    await turn();
    expect(() => publisher.checkRoom()).not.toThrow();
  });

  it('never makes the caller of a publish wait, however many jobs are unconfirmed', () => {
    publisher.publish(jobs('a', MAX_JOBS_UNDER_WAY), 'not published');

    publisher.publish([job('b')], 'not published');

    expect(broker.published).toEqual([jobs('a', MAX_JOBS_UNDER_WAY), [job('b')]]);
  });

  it('counts refused jobs as no longer under way, so that new work is taken again', async () => {
    publisher.publish(jobs('a', MAX_JOBS_UNDER_WAY), 'not published');
    expect(() => publisher.checkRoom()).toThrow(OverloadedError);

    broker.refuse(0, new Error('broker down'));
    await turn();

    expect(() => publisher.checkRoom()).not.toThrow();
  });

  it('is settled only once the jobs handed on while it waited are confirmed too', async () => {
    publisher.publish([job('a')], 'not published');
    const settled = publisher.settled();
    publisher.publish([job('b')], 'not published');

    broker.confirm(0);
    expect(await settlesSoon(settled)).toBe(false);
    expect(broker.published.at(-1)).toEqual([job('b')]);
    broker.confirm(1);
    expect(await settlesSoon(settled)).toBe(true);
  });

  it('logs a refused publish with the order ids and the warning of its caller', async () => {
    publisher.publish([job('a'), job('b')], 'orders stored but not published');
    publisher.publish([job('c')], 'cancellations stored but not published');

    broker.refuse(0, new Error('broker down'));
    broker.refuse(1, new Error('broker down'));
    await publisher.settled();

    expect(logger.lines).toEqual([
      {
        level: 'warn',
        message: 'orders stored but not published',
        fields: { orderIds: ['a', 'b'], error: 'Error: broker down' },
      },
      {
        level: 'warn',
        message: 'cancellations stored but not published',
        fields: { orderIds: ['c'], error: 'Error: broker down' },
      },
    ]);
  });

  it('treats a queue that throws instead of rejecting as a refusal', async () => {
    const throwing = {
      publish: () => {
        throw new Error('not connected');
      },
    } as unknown as OrderQueue;
    publisher = new PublishAfterCommit(throwing, logger);

    publisher.publish(jobs('a', MAX_JOBS_UNDER_WAY), 'orders stored but not published');
    await publisher.settled();

    expect(() => publisher.checkRoom()).not.toThrow();
    publisher.publish([job('b')], 'not published');
    await publisher.settled();
    expect(logger.lines.map((line) => line.fields?.['error'])).toEqual([
      'Error: not connected',
      'Error: not connected',
    ]);
  });
});
