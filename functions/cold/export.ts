// GET /api/export?type=T: every node of a type as NDJSON, with its relations, streamed: one page
// of the entity listing at a time is read, written and forgotten, so memory stays flat whatever
// the count (a relation spilled to edge buckets is read from them, a few buckets at a time).
import { app } from '@azure/functions';
import { httpHandler } from '../shared/http';
import { nodeWithEdges, rememberVisibility, type BucketReader, type VisibilityReader } from '../../core/cold/views';
import type { NodeModel } from '../../core/contracts/model';
import type { NodeState } from '../../core/graph/node-state';
import type { Principal } from '../../core/auth/principal';
import type { EntityPage, DurableHttpClient } from '../../adapters/durable/http-client';
import type { Logger } from '../../core/log';
import { bucketReaderOf, callerOf, durableClientInput, nodeTypeOf, readerOf, visibilityReaderOf } from './shared/request';
import { NODE_ENTITY } from '../../actors/messages/node';

const PAGE = 500;

type Page = EntityPage<NodeState>;

/** NDJSON of one listing page: the nodes of the type this caller may see. */
async function linesOf(
  page: Page,
  node: NodeModel,
  who: Principal,
  buckets: BucketReader,
  visible: VisibilityReader,
): Promise<{ text: string; count: number }> {
  let text = '';
  let count = 0;
  for (const e of page.entities) {
    if (!e.key.startsWith(`${node.name}:`)) continue;
    const view = await nodeWithEdges(e.state, node, who, buckets, visible);
    if (!view) continue;
    text += `${JSON.stringify(view)}\n`;
    count++;
  }
  return { text, count };
}

/** The rest of the listing, a page per chunk, pulled only as fast as the caller reads. */
async function* ndjson(
  reader: DurableHttpClient,
  first: Page,
  node: NodeModel,
  who: Principal,
  log: Logger,
  buckets: BucketReader,
  visible: VisibilityReader,
): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  let page: Page | undefined = first;
  let nodes = 0;
  let pages = 0;
  while (page) {
    pages++;
    const { text, count } = await linesOf(page, node, who, buckets, visible);
    nodes += count;
    if (text) yield encoder.encode(text);
    page = page.continuation ? await reader.list<NodeState>(NODE_ENTITY, PAGE, page.continuation) : undefined;
  }
  log.info('export done', { type: node.name, nodes, pages });
}

app.http('coldExport', {
  methods: ['GET'],
  route: 'export',
  extraInputs: [durableClientInput],
  handler: httpHandler(async ({ request, context, log }) => {
    const node = nodeTypeOf(request.query.get('type') ?? undefined);
    const reader = readerOf(context);
    // The first page is read before answering, so a listing that fails at once is a clean error.
    const first = await reader.list<NodeState>(NODE_ENTITY, PAGE);
    return {
      headers: { 'content-type': 'application/x-ndjson' },
      body: ndjson(reader, first, node, callerOf(request), log, bucketReaderOf(context), rememberVisibility(visibilityReaderOf(context))),
    };
  }),
});
