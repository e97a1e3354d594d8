// Where a connector's events go: `POST /api/events` of a running host (keep-alive connections,
// retried while the host is unreachable or answers 5xx/429: events carry stable ids, so a repeat
// is a no-op), or an Event Hub (checked here too, so rejections are still reported per row).
// A pipeline cuts events into batches and keeps a bounded number in flight; results come back
// in batch order, which is what lets the Postgres connector confirm log positions in order.
import http from 'node:http';
import https from 'node:https';
import type { CloudEvent, CompiledDataProduct } from '../core/contracts';
import { checkEvents } from '../core/ingest/check';
import { EventHubPublisher } from '../adapters/eventhub/producer';
import { ConnectorError } from './records';

export interface Rejection {
  /** Position in the batch sent. */
  index: number;
  reason: string;
}

export interface SendResult {
  accepted: number;
  rejected: Rejection[];
}

export interface EventSink {
  readonly target: string;
  send(events: CloudEvent[], bodies: string[]): Promise<SendResult>;
  close(): Promise<void>;
}

const RETRY_DELAYS_MS = [100, 250, 500, 1000, 2000, 4000, 8000, 8000, 8000];

export class HttpSink implements EventSink {
  readonly target: string;
  private readonly endpoint: URL;
  private readonly agent: http.Agent;

  constructor(baseUrl: string, connections = 8) {
    this.endpoint = new URL('/api/events', baseUrl.replace(/\/+$/, '') + '/');
    this.target = this.endpoint.origin;
    const Agent = this.endpoint.protocol === 'https:' ? https.Agent : http.Agent;
    this.agent = new Agent({ keepAlive: true, maxSockets: connections });
  }

  async send(_events: CloudEvent[], bodies: string[]): Promise<SendResult> {
    const body = `[${bodies.join(',')}]`;
    for (let attempt = 0; ; attempt++) {
      let outcome: { status: number; text: string } | Error;
      try {
        outcome = await this.post(body);
      } catch (err) {
        outcome = err as Error;
      }
      if (!(outcome instanceof Error) && outcome.status === 202) return JSON.parse(outcome.text) as SendResult;
      const retriable = outcome instanceof Error || outcome.status >= 500 || outcome.status === 429;
      const what =
        outcome instanceof Error
          ? `cannot reach ${this.target} (${(outcome as NodeJS.ErrnoException).code ?? outcome.message}); is the host running (npm start)?`
          : `${this.target} answered ${outcome.status}: ${problemDetail(outcome.text)}`;
      if (!retriable || attempt >= RETRY_DELAYS_MS.length) throw new ConnectorError(what);
      await new Promise((r) => setTimeout(r, RETRY_DELAYS_MS[attempt]! * (0.75 + Math.random() / 2)));
    }
  }

  private post(body: string): Promise<{ status: number; text: string }> {
    const request = this.endpoint.protocol === 'https:' ? https.request : http.request;
    return new Promise((resolve, reject) => {
      const req = request(
        this.endpoint,
        { method: 'POST', agent: this.agent, headers: { 'content-type': 'application/cloudevents-batch+json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  async close(): Promise<void> {
    this.agent.destroy();
  }
}

function problemDetail(text: string): string {
  try {
    const p = JSON.parse(text) as { detail?: string; title?: string };
    return p.detail ?? p.title ?? text;
  } catch {
    return text.slice(0, 300);
  }
}

/** Straight to an Event Hub: the contracts are checked here, since no host answers per event. */
export class EventHubSink implements EventSink {
  readonly target: string;
  private readonly publisher: EventHubPublisher;

  constructor(
    private readonly product: CompiledDataProduct,
    connectionString: string,
    hubName: string,
  ) {
    this.publisher = new EventHubPublisher(connectionString, hubName);
    this.target = `event hub ${hubName}`;
  }

  async send(events: CloudEvent[]): Promise<SendResult> {
    const { accepted, rejected } = checkEvents(this.product, events);
    // All of them go: the Event Hubs trigger checks again and keeps the rejected ones as dead
    // letters with their reasons, as POST /api/events does.
    await this.publisher.publish(events);
    return { accepted: accepted.length, rejected: rejected.map((r) => ({ index: r.index, reason: r.reason })) };
  }

  close(): Promise<void> {
    return this.publisher.close();
  }
}

export interface PipelineOptions<T> {
  /** Most events per request (the host takes up to MESH_MAX_INGEST_EVENTS). */
  batchEvents?: number;
  /** Most bytes per request (the host takes up to MESH_MAX_INGEST_BYTES). */
  batchBytes?: number;
  /** Requests in flight at once. */
  concurrency?: number;
  /** Called once per batch, in the order the batches were cut, with each event's ref. */
  onResult(refs: T[], result: SendResult): void | Promise<void>;
  /** Called for each mark once every event added before it has its answer. */
  onMark?(mark: bigint): void | Promise<void>;
  /** Called once when a batch could not be sent (the pipeline then refuses more events). */
  onFailure?(err: unknown): void;
}

export class Pipeline<T> {
  private events: CloudEvent[] = [];
  private bodies: string[] = [];
  private refs: T[] = [];
  private marks: bigint[] = [];
  private bytes = 0;
  private readonly inFlight = new Set<Promise<unknown>>();
  private ordered: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  private readonly batchEvents: number;
  private readonly batchBytes: number;
  private readonly concurrency: number;

  constructor(
    private readonly sink: EventSink,
    private readonly options: PipelineOptions<T>,
  ) {
    this.batchEvents = options.batchEvents ?? 500;
    this.batchBytes = options.batchBytes ?? 1_000_000;
    this.concurrency = options.concurrency ?? 4;
  }

  /** Adds an event; waits while the pipeline is full (backpressure for the reader). */
  async add(event: CloudEvent, ref: T): Promise<void> {
    this.check();
    const body = JSON.stringify(event);
    if (this.events.length > 0 && (this.events.length >= this.batchEvents || this.bytes + body.length + 1 > this.batchBytes)) await this.flush();
    this.events.push(event);
    this.bodies.push(body);
    this.refs.push(ref);
    this.bytes += body.length + 1;
  }

  /** Sends what is batched so far (without waiting for the answer), once there is room. */
  async flush(): Promise<void> {
    this.check();
    if (this.events.length === 0) return;
    const events = this.events;
    const bodies = this.bodies;
    const refs = this.refs;
    const marks = this.marks;
    this.events = [];
    this.bodies = [];
    this.refs = [];
    this.marks = [];
    this.bytes = 0;
    while (this.inFlight.size >= this.concurrency) await Promise.race(this.inFlight);
    const sent = this.sink.send(events, bodies);
    const done = sent.then(
      () => {},
      () => {},
    );
    this.inFlight.add(done);
    void done.then(() => this.inFlight.delete(done));
    this.ordered = this.ordered.then(async () => {
      if (this.failure !== undefined) return;
      try {
        await this.options.onResult(refs, await sent);
        for (const m of marks) await this.options.onMark?.(m);
      } catch (err) {
        this.fail(err);
      }
    });
  }

  /**
   * A position in the input (a commit's LSN): reported through onMark once everything added
   * before it is answered, in order.
   */
  mark(mark: bigint): void {
    this.check();
    if (this.events.length > 0) {
      this.marks.push(mark);
      return;
    }
    this.ordered = this.ordered.then(async () => {
      if (this.failure !== undefined) return;
      try {
        await this.options.onMark?.(mark);
      } catch (err) {
        this.fail(err);
      }
    });
  }

  /** Events added and not yet sent. */
  get buffered(): number {
    return this.events.length;
  }

  /** Sends the rest and waits for every answer. */
  async drain(): Promise<void> {
    await this.flush();
    await this.ordered;
    this.check();
  }

  private fail(err: unknown): void {
    this.failure = err instanceof Error ? err : new Error(String(err));
    this.options.onFailure?.(err);
  }

  private check(): void {
    if (this.failure !== undefined) throw this.failure;
  }
}
