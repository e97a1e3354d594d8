// The node actor as a transition: (state, messages) -> (state, effects), with no I/O. The entity
// adapter reads state once per batch, folds each operation in (step), and at the end of the batch
// (end) sets state once and performs the effects: one projection and one message per neighbour for
// the whole batch. apply() is a batch of one operation.
//
// Ownership: a batch takes the state it is given and changes it in place; the state end() returns
// is that same object. The entity adapter parses a fresh state for every batch, so a copy would
// only double the cost of each operation. A caller that keeps the state it passes (a test
// comparing before and after) passes a copy: structuredClone(state).
import type { ContractModel, NodeModel } from '../../core/contracts/model';
import type { FieldValue } from '../../core/contracts/fields';
import { ownershipProblems } from '../../core/contracts/ownership';
import { hash53 } from '../../core/hash';
import { deleteNode, forwardEdge, holders, setEdge, setNeighbour, spillEdges, upsertFields, type EdgeChange, type Origin } from '../../core/graph/merge';
import { trimHistory } from '../../core/graph/time-travel';
import { BUCKETS, BucketOp, MAX_INLINE_EDGES, bucketKey, fanoutLanes } from '../messages/bucket';
import { isEmptyShape, type Needs } from '../../core/graph/needs';
import { buildSummary, projectionOf, summaryComplete } from '../../core/graph/summary';
import { NodeOp, type NodeEffect, type NodeEvent, type NodeMessage } from '../messages/node';
import { emptyNodeState, globalId, parseGlobalId, usedBuckets, valueChars, type NodeState, type Summary } from '../../core/graph/node-state';

export interface NodeContext {
  model: ContractModel;
  needs: Needs;
  /** The entity key, `Type:id`. */
  key: string;
  /** ISO time of this operation (history timestamps and age limit). */
  now: string;
  historyLimit: number;
  historyMaxAgeMs: number;
  /** Characters of field values the history keeps (default HISTORY_MAX_CHARS). */
  historyMaxChars?: number;
  /** Neighbours a relation keeps inline before spilling to edge buckets (default MAX_INLINE_EDGES). */
  maxInlineEdges?: number;
  /** Buckets per spilled relation (default BUCKETS). */
  buckets?: number;
}

interface Mirror {
  rel: string;
  to: string;
  on: boolean;
  k: string;
  src: string;
  ev: string;
}

/** What a batch has to do once its operations are folded in: built up by each step, done by end(). */
interface Work {
  dirty: boolean;
  /** Edge changes to tell the other ends, sent after the batch with this node's summary. */
  mirrors: Mirror[];
  /** Neighbours linked during this operation, by relation: they need this node's summary now. */
  linked: Map<string, Set<string>>;
  effects: NodeEffect[];
}

/**
 * Characters of field values (as JSON) one node may hold; an event that would take the fields
 * past this is dead-lettered whole. Every operation on the node reads and writes its whole state,
 * and its search document (fields, carried neighbours) must stay under MAX_DOC_BYTES (1 MB):
 * this bound keeps both, with edges, neighbours and history bounded apart.
 */
export const MAX_NODE_FIELD_CHARS = 300_000;

/** The characters of the node's field values once `fields` are set (counting every one as set). */
function fieldCharsAfter(state: NodeState, fields: Record<string, FieldValue | null>): number {
  let chars = 0;
  for (const [name, cell] of Object.entries(state.fields)) if (!(name in fields)) chars += valueChars(cell.v);
  for (const value of Object.values(fields)) chars += valueChars(value);
  return chars;
}

function applyEvent(state: NodeState, node: NodeModel, ev: NodeEvent, ctx: NodeContext, work: Work): void {
  const { change } = ev;
  if (change.type !== state.type || change.id !== state.id) {
    work.effects.push({ kind: 'deadLetter', event: ev, reason: `event for ${change.type}/${change.id} reached node ${ctx.key}` });
    return;
  }
  const problems = ownershipProblems(ctx.model, ev.source, change);
  if (problems.length > 0) {
    work.effects.push({ kind: 'deadLetter', event: ev, reason: problems.join('; ') });
    return;
  }
  const origin: Origin = { ev: ev.id, src: ev.source, k: ev.k, ...(ev.time ? { at: ev.time } : {}) };
  switch (change.op) {
    case 'upsert': {
      const chars = fieldCharsAfter(state, change.fields);
      if (chars > MAX_NODE_FIELD_CHARS) {
        work.effects.push({
          kind: 'deadLetter',
          event: ev,
          reason: `the fields of ${change.type}/${change.id} would hold ${chars} characters of values; a node keeps at most ${MAX_NODE_FIELD_CHARS}`,
        });
        return;
      }
      if (upsertFields(state, change.fields, origin, ctx.now).length > 0) work.dirty = true;
      return;
    }
    case 'delete':
      if (deleteNode(state, origin, ctx.now)) work.dirty = true;
      return;
    default: {
      const on = change.op === 'link';
      const to = globalId(change.toType, change.toId);
      const result = changeEdge(state, change.rel, to, on, origin, ctx, work, true);
      if (!result) return;
      work.dirty = true;
      if (on && result === 'flipped') addLinked(work, change.rel, to);
      // A re-sent link (or unlink) changes nothing a 'many' end shows: it lists every linked
      // neighbour, whatever the key. So that end is not told; should it ever contradict this end
      // with an older key, this end answers with its cell (see the edge operation).
      if (result === 'reasserted' && ctx.model.types[change.toType]?.edges[node.edges[change.rel]!.inverse]?.cardinality === 'many') return;
      work.mirrors.push({ rel: change.rel, to, on, k: ev.k, src: ev.source, ev: ev.id });
    }
  }
}

/**
 * Sets an edge cell here, or forwards it to its bucket when the relation is spilled (`own`: from
 * an event about this node). A forwarded cell counts as flipped: only the bucket knows its cell.
 */
function changeEdge(state: NodeState, rel: string, to: string, on: boolean, origin: Origin, ctx: NodeContext, work: Work, own: boolean): EdgeChange {
  if (!state.spilled?.[rel]) return setEdge(state, rel, to, on, origin, ctx.now);
  const n = forwardEdge(state, rel, to, on, origin, ctx.buckets ?? BUCKETS, ctx.now, own);
  const inverse = ctx.model.types[state.type]?.edges[rel]?.inverse;
  work.effects.push({
    kind: 'bucket',
    to: bucketKey(ctx.key, rel, n),
    message: { op: BucketOp.cells, cells: [{ to, on, k: origin.k, src: origin.src, ev: origin.ev }], ...(inverse ? { rel: inverse, from: ctx.key } : {}) },
  });
  return 'flipped';
}

/**
 * Spills a relation to buckets once it has seen more neighbours than the node keeps inline.
 * Cells are never removed (an unlink is a cell that is off), so whether a relation ends up
 * spilled depends only on the set of events, not on their order.
 */
function spillIfLarge(state: NodeState, node: NodeModel, ctx: NodeContext, work: Work): void {
  const max = ctx.maxInlineEdges ?? MAX_INLINE_EDGES;
  for (const [rel, cells] of Object.entries(state.edges)) {
    // A 'one' relation shows its newest link from the cells here; only 'many' relations spill.
    if (node.edges[rel]?.cardinality !== 'many' || Object.keys(cells).length <= max) continue;
    for (const [n, list] of spillEdges(state, rel, ctx.buckets ?? BUCKETS))
      work.effects.push({ kind: 'bucket', to: bucketKey(ctx.key, rel, n), message: { op: BucketOp.cells, cells: list } });
    work.dirty = true;
  }
}

function addLinked(work: Work, rel: string, to: string): void {
  const set = work.linked.get(rel) ?? new Set<string>();
  set.add(to);
  work.linked.set(rel, set);
}

/**
 * Tells the other ends of changed edges (with this node's summary when they carry it), then
 * tells neighbours what they carry of this node, only when it changed or they just linked.
 * A summary that nests neighbours' news is held back while a linked neighbour has not reported
 * yet (it answers every link): sent now, it would be followed at once by the complete one, and
 * each of the two would travel up the path as its own wave of reactions.
 */
function react(state: NodeState, node: NodeModel, ctx: NodeContext, work: Work): void {
  const summaryFor = summariesOf(state, node, ctx);
  const informed = tellOtherEnds(state, node, ctx, work, summaryFor);
  for (const edge of Object.values(node.edges)) {
    const summary = summaryFor(edge.name);
    if (summary === undefined) continue;
    const h = hash53(JSON.stringify(summary));
    const changed = state.sent[edge.name] !== h;
    state.sent[edge.name] = h;
    const spilled = state.spilled?.[edge.name];
    const fresh = work.linked.get(edge.name);
    let direct: Iterable<string>;
    if (spilled) {
      // Through the buckets, each signalling its share of the neighbours in FANOUT_LANES chains;
      // the neighbours linked just now hear it directly (the buckets may not list them yet).
      if (changed)
        for (const [first, ...next] of fanoutLanes(usedBuckets(spilled)))
          work.effects.push({
            kind: 'bucket',
            to: bucketKey(ctx.key, edge.name, first!),
            message: { op: BucketOp.fanout, rel: edge.inverse, from: ctx.key, ver: state.ver, summary, next },
          });
      direct = fresh ?? [];
    } else {
      // Every neighbour whose edge cell is on hears a change, even past a 'one' relation's newest
      // link: that neighbour shows the edge too until the source unlinks it, and must not show
      // stale news. Unchanged, only the neighbours linked just now need it.
      const targets = holders(state, edge.name, false);
      direct = changed ? targets : targets.filter((to) => fresh?.has(to));
    }
    for (const to of direct) {
      if (!informed.has(`${edge.name}|${to}`))
        work.effects.push({ kind: 'signal', to, message: { op: NodeOp.neighbour, rel: edge.inverse, from: ctx.key, ver: state.ver, summary } });
    }
  }
}

/**
 * The summary each relation's neighbours need, built once per relation: undefined when they need
 * none, or it is not complete yet. Held back, what was sent is forgotten, so that once complete it
 * goes to every neighbour, the ones that linked meanwhile (and heard nothing) too.
 */
function summariesOf(state: NodeState, node: NodeModel, ctx: NodeContext): (rel: string) => Summary | null | undefined {
  const summaries = new Map<string, Summary | null | undefined>();
  return (rel) => {
    if (summaries.has(rel)) return summaries.get(rel);
    const edge = node.edges[rel]!;
    const shape = ctx.needs[edge.to]?.[edge.inverse];
    let summary: Summary | null | undefined;
    if (!isEmptyShape(shape)) {
      const complete = summaryComplete(state, node, shape!);
      if (!complete) delete state.sent[rel];
      summary = complete ? buildSummary(state, node, shape!) : undefined;
    }
    summaries.set(rel, summary);
    return summary;
  };
}

/** Tells the other end of every changed edge, with this node's summary when it carries one; returns who heard it. */
function tellOtherEnds(state: NodeState, node: NodeModel, ctx: NodeContext, work: Work, summaryFor: (rel: string) => Summary | null | undefined): Set<string> {
  const informed = new Set<string>();
  for (const m of work.mirrors) {
    const summary = m.on ? summaryFor(m.rel) : undefined;
    if (summary !== undefined) informed.add(`${m.rel}|${m.to}`);
    const message: NodeMessage = {
      op: NodeOp.edge,
      rel: node.edges[m.rel]!.inverse,
      to: ctx.key,
      on: m.on,
      k: m.k,
      src: m.src,
      ev: m.ev,
      ...(summary !== undefined ? { ver: state.ver, summary } : {}),
    };
    work.effects.push({ kind: 'signal', to: m.to, message });
  }
  return informed;
}

function project(state: NodeState, node: NodeModel, work: Work): void {
  const doc = projectionOf(state, node);
  const h = hash53(JSON.stringify(doc.deleted ? null : doc.body));
  const first = state.projected === undefined;
  if (state.projected === h) return;
  state.projected = h;
  if (first && doc.deleted) return; // a placeholder that was never visible has nothing to retract
  work.effects.push({ kind: 'project', doc });
}

/** A batch of operations being folded into one transition (see begin/step/end). */
export interface NodeBatch {
  state: NodeState;
  node: NodeModel | undefined;
  ctx: NodeContext;
  work: Work;
}

/** Starts a batch on the state the entity holds (undefined: a node never seen); the batch owns it from here (changes it in place). */
export function begin(previous: NodeState | undefined, ctx: NodeContext): NodeBatch {
  const ref = parseGlobalId(ctx.key);
  const state = previous ?? emptyNodeState(ref?.type ?? '', ref?.id ?? '');
  return { state, node: ctx.model.types[state.type], ctx, work: { dirty: false, mirrors: [], linked: new Map(), effects: [] } };
}

/** Folds one operation into the batch. */
export function step(batch: NodeBatch, message: NodeMessage): void {
  const { state, node, ctx, work } = batch;
  if (!node) {
    if (message.op === NodeOp.apply)
      for (const event of message.events) work.effects.push({ kind: 'deadLetter', event, reason: `unknown node type ${state.type}` });
    return;
  }
  switch (message.op) {
    case NodeOp.apply:
      for (const ev of message.events) applyEvent(state, node, ev, ctx, work);
      break;
    case NodeOp.edge: {
      if (!node.edges[message.rel]) break;
      const result = changeEdge(state, message.rel, message.to, message.on, { ev: message.ev, src: message.src, k: message.k }, ctx, work, false);
      if (result) {
        work.dirty = true;
        // Re-asserted (so here all along): the other end has heard every change of this node's
        // summary since it linked, so it needs no fresh copy.
        if (message.on && result === 'flipped') addLinked(work, message.rel, message.to);
      } else {
        // Older than the cell here and saying otherwise: the other end missed this end's newer
        // word (a re-sent link is not told to a 'many' end). Tell it now; its cell takes ours.
        const cell = state.spilled?.[message.rel] ? undefined : state.edges[message.rel]?.[message.to];
        if (cell && cell.on !== message.on) {
          work.mirrors.push({ rel: message.rel, to: message.to, on: cell.on, k: cell.k, src: cell.src, ev: cell.ev });
          work.dirty = true;
        }
      }
      // A spilled relation keeps no neighbour news: paths do not run through it.
      if (message.summary !== undefined && !state.spilled?.[message.rel] && setNeighbour(state, message.rel, message.to, message.ver ?? 0, message.summary))
        work.dirty = true;
      break;
    }
    case NodeOp.reproject:
      // Nothing to merge: the batch exists so that the entity writes what it holds pending.
      break;
    case NodeOp.neighbour:
      if (!state.spilled?.[message.rel] && setNeighbour(state, message.rel, message.from, message.ver, message.summary)) work.dirty = true;
      break;
  }
}

/**
 * Ends the batch: spills large relations, and when anything changed, bumps the version, trims
 * history, tells the neighbours (one message per neighbour for the whole batch) and projects once.
 */
export function end(batch: NodeBatch): { state: NodeState; effects: NodeEffect[] } {
  const { state, node, ctx, work } = batch;
  if (!node) return { state, effects: work.effects };
  spillIfLarge(state, node, ctx, work);
  if (!work.dirty) return { state, effects: work.effects };
  state.ver++;
  trimHistory(state, ctx.historyLimit, ctx.historyMaxAgeMs, ctx.now, ctx.historyMaxChars);
  react(state, node, ctx, work);
  project(state, node, work);
  return { state, effects: work.effects };
}

/** One operation as a batch of its own. */
export function apply(previous: NodeState | undefined, message: NodeMessage, ctx: NodeContext): { state: NodeState; effects: NodeEffect[] } {
  const batch = begin(previous, ctx);
  step(batch, message);
  return end(batch);
}
