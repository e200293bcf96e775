import { toOrderJobs, toPayload } from '../../../src/adapters/queue/order-job-payload';
import type { OrderJob } from '../../../src/application/ports/order-queue';
import { customerId, orderId, productId } from '../../../src/domain/shared/ids';

const placed: OrderJob = {
  kind: 'PLACE',
  orderId: orderId('order-1'),
  parties: { customerId: customerId('customer-1'), productIds: [productId('product-1')] },
};

describe('order job payload', () => {
  it('carries a job with its parties and one without through JSON unchanged', () => {
    const jobs: OrderJob[] = [placed, { kind: 'CANCEL', orderId: orderId('order-2') }];

    expect(toOrderJobs(JSON.parse(JSON.stringify(toPayload(jobs))))).toStrictEqual(jobs);
  });

  it('carries the request id and trace context of a job', () => {
    const traced: OrderJob = {
      ...placed,
      origin: {
        requestId: 'req-7',
        trace: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
      },
    };
    const stored = JSON.parse(JSON.stringify(toPayload([traced])));

    expect(toOrderJobs(stored)).toStrictEqual([traced]);
  });

  it.each([
    ['a request id that could forge a log line', { requestId: 'a\nb' }],
    ['trace headers other than Trace Context', { trace: { authorization: 'Bearer x' } }],
    ['a trace header that is not text', { trace: { traceparent: 7 } }],
  ])('drops %s and keeps the job', (_case, origin) => {
    expect(toOrderJobs({ jobs: [{ kind: 'CANCEL', orderId: 'o', ...origin }] })).toStrictEqual([
      { kind: 'CANCEL', orderId: 'o' },
    ]);
  });

  it('reads jobs without parties, as the re-publisher publishes them', () => {
    expect(toOrderJobs({ jobs: [{ kind: 'PLACE', orderId: 'order-4' }] })).toStrictEqual([
      { kind: 'PLACE', orderId: 'order-4' },
    ]);
  });

  it.each([
    [
      'one bare job (the format of before one message per publish)',
      { kind: 'CANCEL', orderId: 'o' },
    ],
    ['an empty list of jobs', { jobs: [] }],
    ['jobs that are not a list', { jobs: { kind: 'PLACE', orderId: 'o' } }],
    ['nothing', null],
  ])('refuses a message of %s', (_, payload) => {
    expect(() => toOrderJobs(payload)).toThrow('The message holds no order job');
  });

  it.each([
    ['no customer', { productIds: ['product-1'] }],
    ['an empty customer', { customerId: '', productIds: ['product-1'] }],
    ['products that are not a list', { customerId: 'customer-1', productIds: 'product-1' }],
    ['a product that is not an id', { customerId: 'customer-1', productIds: ['product-1', 7] }],
  ])('keeps the job but drops parties with %s', (_, parties) => {
    expect(
      toOrderJobs({ jobs: [{ kind: 'PLACE', orderId: 'order-5', ...parties }] }),
    ).toStrictEqual([{ kind: 'PLACE', orderId: 'order-5' }]);
  });

  it('still refuses a message that holds no order job', () => {
    expect(() => toOrderJobs({ jobs: [{ kind: 'PLACE', customerId: 'customer-1' }] })).toThrow(
      'The message is not an order job',
    );
  });
});
