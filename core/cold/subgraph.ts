// The neighbourhood of a node, walked breadth first through the actors' state (edges on both
// ends, spilled relations through their buckets), within a depth, along chosen relations, and
// within a node budget: past it the walk stops with an error that names the budget.
import type { ContractModel } from '../contracts/model';
import type { EdgeCell, NodeState } from '../graph/node-state';
import { parseGlobalId } from '../graph/node-state';
import type { Principal } from '../auth/principal';
import { UserError } from '../errors';
import { nodeView, relationsOf, type NodeView } from './views';

export interface SubgraphReader {
  node(key: string): Promise<NodeState | undefined>;
  /** Cells of one edge bucket of a spilled relation (key `Owner:id|rel|n`). */
  bucket(key: string): Promise<{ c: Record<string, EdgeCell> } | undefined>;
}

export interface SubgraphOptions {
  depth: number;
  rels?: ReadonlySet<string>;
  budget: number;
  concurrency: number;
}

export interface Subgraph {
  root: string;
  nodes: NodeView[];
  edges: Array<{ from: string; rel: string; to: string }>;
}

export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** The neighbours each relation shows, as GraphQL shows them: a 'one' end only its newest link. */
async function neighbours(
  state: NodeState,
  node: ContractModel['types'][string],
  reader: SubgraphReader,
  opts: SubgraphOptions,
): Promise<Array<{ rel: string; to: string }>> {
  const relations = await relationsOf(state, node, (key) => reader.bucket(key), opts.concurrency, opts.rels);
  return Object.entries(relations).flatMap(([rel, ids]) => ids.map((to) => ({ rel, to })));
}

export async function walkSubgraph(
  root: string,
  model: ContractModel,
  who: Principal,
  reader: SubgraphReader,
  opts: SubgraphOptions,
): Promise<Subgraph | undefined> {
  const nodes = new Map<string, NodeView>();
  const edges = new Map<string, { from: string; rel: string; to: string }>();
  const seen = new Set<string>([root]);
  let frontier = [root];
  for (let level = 0; level <= opts.depth && frontier.length > 0; level++) {
    const states = await mapLimit(frontier, opts.concurrency, (key) => reader.node(key));
    const next: string[] = [];
    for (let i = 0; i < frontier.length; i++) {
      const key = frontier[i]!;
      const state = states[i];
      const node = state ? model.types[state.type] : undefined;
      const view = state && node ? nodeView(state, node, who) : undefined;
      if (!view || !node) continue;
      nodes.set(key, view);
      if (level === opts.depth) continue;
      for (const { rel, to } of await neighbours(state!, node, reader, opts)) {
        const inverse = node.edges[rel]?.inverse;
        if (!edges.has(`${to}|${inverse}|${key}`)) edges.set(`${key}|${rel}|${to}`, { from: key, rel, to });
        if (seen.has(to) || !parseGlobalId(to)) continue;
        seen.add(to);
        if (seen.size > opts.budget)
          throw new UserError(
            413,
            'node-budget-exceeded',
            `the subgraph reaches more than ${opts.budget} nodes (the node budget); ask for less depth or fewer relations (rels=...)`,
            { budget: opts.budget },
          );
        next.push(to);
      }
    }
    frontier = next;
  }
  if (!nodes.has(root)) return undefined;
  // Edges to nodes that turned out not to exist (placeholders) are left out.
  return { root, nodes: [...nodes.values()], edges: [...edges.values()].filter((e) => nodes.has(e.from) && nodes.has(e.to)) };
}
