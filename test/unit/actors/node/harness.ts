// Runs node actors in memory with the pure logic: signals are delivered through a queue in a
// chosen order, so tests can shuffle, duplicate and re-batch and compare final graphs. Signals
// from one entity to another arrive in the order sent, as durable entities guarantee (the
// extension reorders what its queues deliver out of order: entityMessageReorderWindowInMinutes);
// everything else interleaves in any order.
import { begin, end, step, type NodeContext } from '../../../../actors/node/logic';
import type { NodeEffect, NodeEvent, NodeMessage } from '../../../../actors/messages/node';
import type { NodeState } from '../../../../core/graph/node-state';
import { applyBucket } from '../../../../actors/bucket/logic';
import type { BucketMessage, BucketState } from '../../../../actors/messages/bucket';
import { computeNeeds } from '../../../../core/graph/needs';
import { orderKey } from '../../../../core/graph/order';
import type { CanonicalChange } from '../../../../core/contracts/dsl';
import type { ContractModel } from '../../../../core/contracts/model';
import type { ProjectionDoc } from '../../../../core/projection/port';

export class Mesh {
  readonly states = new Map<string, NodeState>();
  readonly docs = new Map<string, ProjectionDoc>();
  readonly deadLetters: Array<{ event: NodeEvent; reason: string }> = [];
  /** `from`: the sending entity; undefined for events from outside (the ingest path). */
  readonly queue: Array<{ to: string; message: NodeMessage; from?: string } | { bucket: string; message: BucketMessage; from?: string }> = [];
  readonly buckets = new Map<string, BucketState>();
  operations = 0;
  reactions = 0;
  private readonly needs;

  constructor(
    private readonly model: ContractModel,
    private readonly random: () => number = () => 0,
  ) {
    this.needs = computeNeeds(model);
  }

  /** Options passed to every node context (e.g. a small maxInlineEdges to exercise buckets). */
  options: Partial<NodeContext> = {};
  /** Most operations one node takes in a batch: the others queued for it join the one picked (1: one at a time). */
  maxBatch = 1;
  /** Node batches run (each folds up to maxBatch operations). */
  batches = 0;
  /** The most operations queued at once (set it to 0 to measure from now). */
  peakQueued = 0;
  /** When set, one line per delivery (to debug a counterexample). */
  trace?: string[];

  ctx(key: string): NodeContext {
    return {
      model: this.model,
      needs: this.needs,
      key,
      now: '2026-11-23T00:00:00.000Z',
      historyLimit: 100,
      historyMaxAgeMs: 365 * 86_400_000,
      ...this.options,
    };
  }

  send(to: string, message: NodeMessage): void {
    this.queue.push({ to, message });
  }

  /** Delivers queued messages until none is left, picking the next one with `random` (0 = FIFO). */
  run(): void {
    while (this.queue.length > 0) {
      this.peakQueued = Math.max(this.peakQueued, this.queue.length);
      // A random pick, then the oldest signal of the same sender to the same receiver.
      const picked = this.queue[Math.floor(this.random() * this.queue.length)]!;
      const receiver = (x: (typeof this.queue)[number]) => ('bucket' in x ? `b ${x.bucket}` : `n ${x.to}`);
      const i =
        picked.from === undefined ? this.queue.indexOf(picked) : this.queue.findIndex((x) => x.from === picked.from && receiver(x) === receiver(picked));
      const [item] = this.queue.splice(i, 1);
      this.operations++;
      if ('bucket' in item!) {
        this.trace?.push(`${item.bucket} <- ${JSON.stringify(item.message)}`);
        const { state, effects, forward } = applyBucket(this.buckets.get(item.bucket), item.message, item.bucket);
        this.buckets.set(item.bucket, JSON.parse(JSON.stringify(state)));
        for (const e of effects) this.queue.push({ ...e, from: item.bucket });
        if (forward) this.queue.push({ bucket: forward.to, message: forward.message, from: item.bucket });
        continue;
      }
      const { to, message } = item!;
      // Like the host: the operations queued for this node meanwhile run in the same batch, in order.
      const messages = [message];
      for (let j = i; j < this.queue.length && messages.length < this.maxBatch;) {
        const next = this.queue[j]!;
        if ('to' in next && next.to === to) {
          messages.push(next.message);
          this.queue.splice(j, 1);
        } else j++;
      }
      this.batches++;
      for (const m of messages) this.trace?.push(`${to} <- ${JSON.stringify(m)}`);
      const batch = begin(this.states.get(to), this.ctx(to));
      for (const m of messages) {
        if (m.op === 'neighbour') this.reactions++;
        this.operations += m === message ? 0 : 1;
        step(batch, m);
      }
      const { state, effects } = end(batch);
      this.states.set(to, JSON.parse(JSON.stringify(state)));
      this.perform(effects, to);
    }
  }

  private perform(effects: NodeEffect[], from: string): void {
    for (const e of effects) {
      if (e.kind === 'signal') this.queue.push({ to: e.to, message: e.message, from });
      else if (e.kind === 'bucket') this.queue.push({ bucket: e.to, message: e.message, from });
      else if (e.kind === 'deadLetter') this.deadLetters.push({ event: e.event, reason: e.reason });
      else {
        const current = this.docs.get(e.doc.id);
        if (!current || current.version < e.doc.version) this.docs.set(e.doc.id, e.doc);
      }
    }
  }

  /** Visible projections' bodies by id (tombstones left out). */
  bodies(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [id, doc] of [...this.docs].sort()) if (!doc.deleted) out[id] = doc.body;
    return out;
  }
}

let counter = 0;
export function ev(source: string, sequence: number, change: CanonicalChange, id = `e${++counter}`): NodeEvent {
  return { id, source, k: orderKey(sequence, undefined, id)!, change };
}

export const keyOf = (change: CanonicalChange) => `${change.type}:${change.id}`;
