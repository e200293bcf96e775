import { randomUUID } from 'node:crypto';
import {
  type Channel,
  type ChannelModel,
  type ConfirmChannel,
  type ConsumeMessage,
  type Message,
  type Options,
  type RecoveringChannelModel,
  connect,
} from 'amqplib';
import type { Logger } from '../../../application/ports/logger';
import type {
  DeliveryInfo,
  ConsumeOptions,
  OrderJob,
  OrderJobHandlers,
  OrderQueue,
  QueueConsumer,
} from '../../../application/ports/order-queue';
import type { PublishCoalescing } from '../coalescing-order-queue';
import { type FailedJob, handleDelivery, reportDeadLetters } from '../delivery';
import { toOrderJobs, toPayload } from '../order-job-payload';
import { type RetryPolicy, retryDelayMs } from '../retry-policy';

export interface RabbitmqOrderQueueOptions {
  url: string;
  queueName: string;
  /** Most deliveries one consumer holds unacknowledged; never more than its concurrency. */
  prefetch: number;
  retry: RetryPolicy;
  /** Shown by the broker's tools next to the connection; defaults to one naming the queue. */
  connectionName?: string;
  logger: Logger;
}

export interface RabbitmqQueueNames {
  main: string;
  /** Holds a failed job for its backoff, then dead-letters it back to the main queue. */
  retry: string;
  /** Jobs that failed every attempt. */
  dead: string;
}

export function rabbitmqQueueNames(queueName: string): RabbitmqQueueNames {
  return { main: queueName, retry: `${queueName}.retry`, dead: `${queueName}.dead` };
}

/**
 * The broker confirms a durable message only once it has stored it, which under load takes longer
 * than the API takes to commit its next batch: two publishes may be under way, and the calls made
 * meanwhile go together in the next.
 */
export const RABBITMQ_PUBLISH_COALESCING: PublishCoalescing = {
  maxJobs: 500,
  inFlight: 2,
  minIntervalMs: 20,
};

/** The attempt a delivery is; counted by this adapter because a redelivery is not an attempt. */
const ATTEMPT_HEADER = 'x-order-attempt';

interface Subscription {
  handlers: OrderJobHandlers;
  prefetch: number;
  inFlight: Set<Promise<void>>;
  /** The consumer on a channel of `model`: a connection lost leaves it on the old one. */
  active: { sender: ConfirmedSender; consumerTag: string; model: ChannelModel } | null;
  /** Settles (never rejects) once the latest attempt to start consuming is over. */
  starting: Promise<void>;
  stopped: boolean;
}

/**
 * Order work on RabbitMQ. The jobs of one publish are one message, so that the broker stores,
 * confirms, delivers and acknowledges a batch once, not once per job; publishing waits for the
 * broker's confirm. The jobs of a message that failed go on together in a new message, which waits
 * out its backoff in a retry queue whose per-message TTL dead-letters it back to the main queue;
 * after the last attempt it goes to `<queue>.dead`, where the main queue also dead-letters a
 * message it cannot read. A lost connection or
 * channel is recovered by reconnecting, which re-asserts the topology and restarts consumers.
 */
export class RabbitmqOrderQueue implements OrderQueue {
  private readonly names: RabbitmqQueueNames;
  private readonly logger: Logger;
  private readonly subscriptions = new Set<Subscription>();
  /** Channels this adapter closes on purpose: their closing is not a failure. */
  private readonly retiring = new WeakSet<Channel>();
  private connection: RecoveringChannelModel | undefined;
  private current: { model: ChannelModel; publisher: ConfirmedSender } | null = null;
  private closed = false;

  private constructor(private readonly options: RabbitmqOrderQueueOptions) {
    this.names = rabbitmqQueueNames(options.queueName);
    this.logger = options.logger;
  }

  /** Rejects when the broker cannot be reached at start-up; recovers from every later loss. */
  static async connect(options: RabbitmqOrderQueueOptions): Promise<RabbitmqOrderQueue> {
    const queue = new RabbitmqOrderQueue(options);
    await queue.open();
    return queue;
  }

  async publish(jobs: readonly OrderJob[]): Promise<void> {
    if (jobs.length === 0) return;
    const { model, publisher } = this.connected();
    try {
      await publisher.send(this.names.main, encode(jobs), {});
    } catch (error) {
      this.recycle(model, 'a publish was refused');
      throw error;
    }
  }

  /** No job ids to recognise a copy by: published like new work (the handlers are idempotent). */
  republish(jobs: readonly OrderJob[]): Promise<void> {
    return this.publish(jobs);
  }

  async consume(handlers: OrderJobHandlers, options: ConsumeOptions): Promise<QueueConsumer> {
    if (this.closed) throw new Error(`The queue ${this.names.main} is closed`);
    const subscription: Subscription = {
      handlers,
      prefetch: Math.min(this.options.prefetch, options.concurrency),
      inFlight: new Set(),
      active: null,
      starting: Promise.resolve(),
      stopped: false,
    };
    this.subscriptions.add(subscription);
    if (this.current) this.resume(subscription, this.current.model);
    await subscription.starting;
    return {
      isConsuming: () =>
        !subscription.stopped &&
        subscription.active !== null &&
        subscription.active.model === this.current?.model,
      stop: () => this.unsubscribe(subscription),
    };
  }

  /** Messages waiting: each holds the jobs of one publish. */
  async depth(): Promise<number> {
    const { messageCount } = await this.connected().publisher.channel.checkQueue(this.names.main);
    return messageCount;
  }

  /** For readiness: resolves when the broker answers for the main queue. */
  async ping(): Promise<void> {
    await this.connected().publisher.channel.checkQueue(this.names.main);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(
      [...this.subscriptions].map((subscription) => this.unsubscribe(subscription)),
    );
    this.current = null;
    await this.connection?.close();
  }

  private async open(): Promise<void> {
    const connection = await connect(this.options.url, {
      clientProperties: {
        connection_name: this.options.connectionName ?? `${this.names.main} order queue`,
      },
      recovery: {
        initialDelay: 100,
        maxDelay: 5000,
        initialMaxRetries: 2,
        waitForConnect: false,
        setup: (model: ChannelModel) => this.attach(model),
      },
    });
    this.connection = connection;
    connection.on('connect', (model: ChannelModel) => {
      for (const subscription of this.subscriptions) this.resume(subscription, model);
    });
    connection.on('disconnect', (error: Error) => {
      this.current = null;
      this.logger.warn('RabbitMQ connection lost; reconnecting', {
        queue: this.names.main,
        error: error.message,
      });
    });
    connection.on('connect-failed', (error: Error) =>
      this.logger.warn('RabbitMQ connection attempt failed', {
        queue: this.names.main,
        error: error.message,
      }),
    );
    connection.on('error', (error: Error) =>
      this.logger.warn('RabbitMQ connection error', {
        queue: this.names.main,
        error: error.message,
      }),
    );
    await connection.waitForConnect();
  }

  /** Runs on every (re)connection, before the connection is handed out. */
  private async attach(model: ChannelModel): Promise<void> {
    const channel = await model.createConfirmChannel();
    this.watch(model, channel);
    await channel.assertQueue(this.names.dead, { durable: true });
    await channel.assertQueue(this.names.retry, {
      durable: true,
      deadLetterExchange: '',
      deadLetterRoutingKey: this.names.main,
    });
    await channel.assertQueue(this.names.main, {
      durable: true,
      deadLetterExchange: '',
      deadLetterRoutingKey: this.names.dead,
    });
    this.current = { model, publisher: new ConfirmedSender(channel) };
  }

  private connected(): { model: ChannelModel; publisher: ConfirmedSender } {
    if (!this.current) throw new Error(`RabbitMQ is not connected for queue ${this.names.main}`);
    return this.current;
  }

  private watch(model: ChannelModel, channel: Channel): void {
    channel.on('error', (error: Error) =>
      this.logger.warn('RabbitMQ channel error', { queue: this.names.main, error: error.message }),
    );
    channel.on('close', () => {
      if (this.retiring.has(channel)) return;
      // A dropped connection closes its channels before it reports its own close: only a
      // channel still lost once that report had its turn was lost on its own.
      setImmediate(() => this.recycle(model, 'a channel was closed'));
    });
  }

  /** A lost channel is replaced by reconnecting, which rebuilds every channel and consumer. */
  private recycle(model: ChannelModel, reason: string): void {
    if (this.closed || this.current?.model !== model) return;
    this.current = null;
    this.logger.warn('RabbitMQ channel lost; reconnecting', { queue: this.names.main, reason });
    model.close().catch((error: Error) =>
      this.logger.warn('RabbitMQ connection did not close cleanly', {
        queue: this.names.main,
        error: error.message,
      }),
    );
  }

  private resume(subscription: Subscription, model: ChannelModel): void {
    subscription.starting = this.subscribe(subscription, model).catch((error: Error) => {
      this.logger.warn('RabbitMQ consumer could not start', {
        queue: this.names.main,
        error: error.message,
      });
      this.recycle(model, 'a consumer could not start');
    });
  }

  private async subscribe(subscription: Subscription, model: ChannelModel): Promise<void> {
    // The broker hands the lost channel's deliveries out again: their first run finishes
    // before any is taken, so a job never races itself and the concurrency bound holds.
    await Promise.all(subscription.inFlight);
    if (subscription.stopped || this.current?.model !== model) return;
    const channel = await model.createConfirmChannel();
    this.watch(model, channel);
    await channel.prefetch(subscription.prefetch);
    const sender = new ConfirmedSender(channel);
    const { consumerTag } = await channel.consume(this.names.main, (message) => {
      if (message === null) {
        this.recycle(model, 'the broker cancelled the consumer');
        return;
      }
      const delivery = this.deliver(subscription, sender, message)
        .catch((error: Error) => {
          this.logger.warn('a delivery was not settled; the broker will deliver it again', {
            queue: this.names.main,
            error: error.message,
          });
          // An unsettled delivery would hold its prefetch slot for as long as the channel
          // lives; a new connection hands it out again.
          this.recycle(model, 'a delivery could not be settled');
        })
        .finally(() => subscription.inFlight.delete(delivery));
      subscription.inFlight.add(delivery);
    });
    subscription.active = { sender, consumerTag, model };
  }

  private async unsubscribe(subscription: Subscription): Promise<void> {
    subscription.stopped = true;
    this.subscriptions.delete(subscription);
    await subscription.starting;
    const active = subscription.active;
    subscription.active = null;
    if (active) {
      await active.sender.channel.cancel(active.consumerTag).catch((error: Error) =>
        this.logger.info('RabbitMQ consumer was already gone with its channel', {
          queue: this.names.main,
          error: error.message,
        }),
      );
    }
    await Promise.all(subscription.inFlight);
    if (active) {
      this.retiring.add(active.sender.channel);
      await active.sender.channel.close().catch((error: Error) =>
        this.logger.info('RabbitMQ consumer channel was already closed', {
          queue: this.names.main,
          error: error.message,
        }),
      );
    }
  }

  private async deliver(
    { handlers }: Subscription,
    sender: ConfirmedSender,
    message: ConsumeMessage,
  ): Promise<void> {
    const { channel } = sender;
    let jobs: OrderJob[];
    try {
      jobs = toOrderJobs(JSON.parse(message.content.toString('utf8')));
    } catch (error) {
      this.logger.error('an unreadable message was moved to the dead-letter queue', {
        queue: this.names.main,
        error: (error as Error).message,
      });
      channel.nack(message, false, false);
      return;
    }
    const failures = await handleDelivery(handlers, jobs, deliveryOf(message));
    if (failures.length > 0) await this.retryOrDeadLetter(handlers, sender, message, failures);
    channel.ack(message);
  }

  /**
   * Only the jobs that failed go on, in a message of their own, which is confirmed before the
   * delivery is acknowledged: a crash in between duplicates them rather than losing them.
   */
  private async retryOrDeadLetter(
    handlers: OrderJobHandlers,
    sender: ConfirmedSender,
    message: ConsumeMessage,
    failures: readonly FailedJob[],
  ): Promise<void> {
    const attempt = attemptOf(message);
    const content = encode(failures.map((failure) => failure.job));
    if (attempt < this.options.retry.maxAttempts) {
      await sender.send(this.names.retry, content, {
        expiration: String(retryDelayMs(this.options.retry, attempt)),
        headers: { [ATTEMPT_HEADER]: attempt + 1 },
      });
      return;
    }
    await sender.send(this.names.dead, content, { headers: { [ATTEMPT_HEADER]: attempt } });
    await reportDeadLetters(
      handlers,
      failures,
      this.logger,
      { queue: this.names.main },
      deliveryOf(message),
    );
  }
}

function encode(jobs: readonly OrderJob[]): Buffer {
  return Buffer.from(JSON.stringify(toPayload(jobs)));
}

function deliveryOf(message: ConsumeMessage): DeliveryInfo {
  const { messageId } = message.properties as { messageId?: unknown };
  return typeof messageId === 'string' ? { messageId } : {};
}

function attemptOf(message: ConsumeMessage): number {
  const value: unknown = message.properties.headers?.[ATTEMPT_HEADER];
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 ? value : 1;
}

/**
 * Publishes durable messages on a confirm channel, each settled once the broker holds it. The
 * broker also confirms a message no queue took (its queue was deleted) after handing it back:
 * such a message is refused, not reported as stored.
 */
class ConfirmedSender {
  private readonly returned = new Set<string>();

  constructor(readonly channel: ConfirmChannel) {
    channel.on('return', (message: Message) => {
      const id: unknown = message.properties.messageId;
      if (typeof id === 'string') this.returned.add(id);
    });
  }

  send(queue: string, content: Buffer, options: Options.Publish): Promise<void> {
    const messageId = randomUUID();
    return new Promise((resolve, reject) => {
      this.channel.sendToQueue(
        queue,
        content,
        {
          ...options,
          persistent: true,
          contentType: 'application/json',
          mandatory: true,
          messageId,
        },
        (error: unknown) => {
          if (error) reject(error instanceof Error ? error : new Error(String(error)));
          else if (this.returned.delete(messageId))
            reject(new Error(`No queue ${queue} took the message`));
          else resolve();
        },
      );
    });
  }
}
