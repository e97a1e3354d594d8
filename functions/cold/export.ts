// GET /api/export?type=T: every node of a type as NDJSON, paged through the entity listing.
import { app } from '@azure/functions';
import { httpHandler } from '../shared/http';
import { nodeView } from '../../core/cold/views';
import type { NodeState } from '../../core/graph/node-state';
import { callerOf, durableClientInput, nodeTypeOf, readerOf, NODE_ENTITY } from './shared/request';

const PAGE = 500;

app.http('coldExport', {
  methods: ['GET'],
  route: 'export',
  extraInputs: [durableClientInput],
  handler: httpHandler(async ({ request, context, log }) => {
    const node = nodeTypeOf(request.query.get('type') ?? undefined);
    const who = callerOf(request);
    const reader = readerOf(context);
    const lines: string[] = [];
    let continuation: string | undefined;
    let pages = 0;
    do {
      const page = await reader.list<NodeState>(NODE_ENTITY, PAGE, continuation);
      pages++;
      for (const e of page.entities) {
        if (!e.key.startsWith(`${node.name}:`)) continue;
        const view = nodeView(e.state, node, who);
        if (view) lines.push(JSON.stringify(view));
      }
      continuation = page.continuation;
    } while (continuation);
    log.info('export done', { type: node.name, nodes: lines.length, pages });
    return { headers: { 'content-type': 'application/x-ndjson' }, body: lines.length ? lines.join('\n') + '\n' : '' };
  }),
});
