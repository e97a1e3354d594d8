// What every cold endpoint needs: the contract model, the caller, the node a route names, and a
// reader of actor state over the durable client binding.
import type { InvocationContext, HttpRequest } from '@azure/functions';
import type { NodeModel } from '../../../core/contracts/model';
import { UserError } from '../../../core/errors';
import { NODE_ID_RULE, isValidNodeId } from '../../../core/ingest/node-id';
import { principalFrom, type Principal } from '../../../core/auth/principal';
import type { NodeState } from '../../../core/graph/node-state';
import type { BucketReader, VisibilityReader } from '../../../core/cold/views';
import { isVisible } from '../../../core/graph/node-state';
import { BeforeHistory, stateAsOf } from '../../../core/graph/time-travel';
import type { DurableHttpClient } from '../../../adapters/durable/http-client';
import { contractModel } from '../../shared/model-module';
import { durableClientInput, durableClientOf } from '../../shared/durable';
import { NODE_ENTITY } from '../../../actors/messages/node';
import { BUCKET_ENTITY } from '../../../actors/messages/bucket';

export { durableClientInput };

export function readerOf(context: InvocationContext): DurableHttpClient {
  return durableClientOf(context);
}

export function nodeTypeOf(type: string | undefined): NodeModel {
  const model = contractModel();
  // Own keys only: "__proto__" or "constructor" must not name Object.prototype's members.
  const node = type && Object.hasOwn(model.types, type) ? model.types[type] : undefined;
  if (!node)
    throw new UserError(404, 'unknown-type', `no node type "${type ?? ''}"; known types: ${Object.keys(model.types).join(', ')}`, {
      knownTypes: Object.keys(model.types),
    });
  return node;
}

export function nodeIdOf(id: string | undefined): string {
  if (id === undefined || !isValidNodeId(id)) throw new UserError(400, 'invalid-id', NODE_ID_RULE);
  return id;
}

export function callerOf(request: HttpRequest): Principal {
  return principalFrom(request.headers.get('x-ms-client-principal'));
}

/** Reads the cells of an edge bucket of a spilled relation. */
export function bucketReaderOf(context: InvocationContext): BucketReader {
  const reader = readerOf(context);
  return (key) => reader.read(BUCKET_ENTITY, key);
}

/** Whether a node (by global id) is visible, from its actor's state. */
export function visibilityReaderOf(context: InvocationContext): VisibilityReader {
  const reader = readerOf(context);
  const model = contractModel();
  return async (gid) => {
    const state = await reader.read<NodeState>(NODE_ENTITY, gid);
    const node = state ? model.types[state.type] : undefined;
    return Boolean(state && node && isVisible(state, node.owner));
  };
}

export async function readNode(context: InvocationContext, type: string, id: string): Promise<NodeState | undefined> {
  return readerOf(context).read<NodeState>(NODE_ENTITY, `${type}:${id}`);
}

export function timeParam(request: HttpRequest, name: string): number | undefined {
  const raw = request.query.get(name);
  if (raw === null || raw === '') return undefined;
  const t = Date.parse(raw);
  if (Number.isNaN(t)) throw new UserError(400, 'invalid-time', `query parameter ${name} must be an ISO 8601 time (got "${raw}")`);
  return t;
}

export function notFound(type: string, id: string): UserError {
  return new UserError(404, 'node-not-found', `no ${type} with id "${id}"`);
}

/**
 * With `?asOf=`, the node as it was then, rebuilt from its history; a time before the history the
 * node keeps is a 410 saying how far back it goes. Without it, the node as it is.
 */
export function atTime(request: HttpRequest): (state: NodeState | undefined) => NodeState | undefined {
  const time = timeParam(request, 'asOf');
  if (time === undefined) return (state) => state;
  return (state) => {
    if (!state) return state;
    try {
      return stateAsOf(state, time);
    } catch (err) {
      if (err instanceof BeforeHistory)
        throw new UserError(410, 'before-history', `${state.type}:${state.id} keeps history back to ${err.horizon} only; ask for a later asOf`, {
          horizon: err.horizon,
        });
      throw err;
    }
  };
}
