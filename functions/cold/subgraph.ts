// GET /api/nodes/{type}/{id}/subgraph?depth=N&rels=a,b&budget=B&asOf=T: the node and everything
// within N hops (N <= 5), along the named relations only if given, as it is or as it was at T
// (relations spilled to buckets keep no history: at a past time only inline edges are walked);
// more than B nodes (default and most 10,000) is a 413 naming the budget. `format=svg` (or Accept:
// image/svg+xml) draws it.
import { app } from '@azure/functions';
import { httpHandler } from '../shared/http';
import { UserError } from '../../core/errors';
import { walkSubgraph } from '../../core/cold/subgraph';
import { renderSubgraphSvg } from '../../core/cold/svg';
import { callerOf, durableClientInput, nodeIdOf, nodeTypeOf, notFound, readerOf, atTime } from './shared/request';
import { NODE_ENTITY } from '../../actors/messages/node';
import { BUCKET_ENTITY } from '../../actors/messages/bucket';
import { contractModel } from '../shared/model-module';
import type { NodeState } from '../../core/graph/node-state';

const MAX_DEPTH = 5;
const NODE_BUDGET = 10_000;
const READS_AT_ONCE = 16;

app.http('coldSubgraph', {
  methods: ['GET'],
  route: 'nodes/{type}/{id}/subgraph',
  extraInputs: [durableClientInput],
  handler: httpHandler(async ({ request, context }) => {
    const node = nodeTypeOf(request.params.type);
    const id = nodeIdOf(request.params.id);
    const asOf = atTime(request);
    const format = request.query.get('format') ?? (/image\/svg\+xml/.test(request.headers.get('accept') ?? '') ? 'svg' : 'json');
    if (format !== 'json' && format !== 'svg') throw new UserError(400, 'invalid-format', `format must be json or svg (got "${format}")`);
    const depthText = request.query.get('depth') ?? '1';
    const depth = Number(depthText);
    if (!Number.isInteger(depth) || depth < 0 || depth > MAX_DEPTH)
      throw new UserError(400, 'invalid-depth', `depth must be an integer from 0 to ${MAX_DEPTH} (got "${depthText}")`);
    const model = contractModel();
    const known = new Set(Object.values(model.types).flatMap((t) => Object.keys(t.edges)));
    const rels = request.query
      .get('rels')
      ?.split(',')
      .map((r) => r.trim())
      .filter((r) => r !== '');
    const unknown = rels?.filter((r) => !known.has(r)) ?? [];
    if (unknown.length) throw new UserError(400, 'unknown-relation', `unknown relation(s) ${unknown.join(', ')}; relations: ${[...known].sort().join(', ')}`);
    const budgetText = request.query.get('budget');
    const budget = budgetText === null ? NODE_BUDGET : Number(budgetText);
    if (!Number.isInteger(budget) || budget < 1 || budget > NODE_BUDGET)
      throw new UserError(400, 'invalid-budget', `budget must be an integer from 1 to ${NODE_BUDGET} (got "${budgetText}")`);
    const reader = readerOf(context);
    const graph = await walkSubgraph(
      `${node.name}:${id}`,
      model,
      callerOf(request),
      {
        node: async (key) => asOf(await reader.read<NodeState>(NODE_ENTITY, key)),
        bucket: (key) => reader.read(BUCKET_ENTITY, key),
      },
      { depth, ...(rels ? { rels: new Set(rels) } : {}), budget, concurrency: READS_AT_ONCE },
    );
    if (!graph) throw notFound(node.name, id);
    if (format === 'svg') return { headers: { 'content-type': 'image/svg+xml; charset=utf-8' }, body: renderSubgraphSvg(graph, Object.keys(model.types)) };
    return { jsonBody: graph };
  }),
});
