// The GraphiQL page for browsers on GET /api/graphql: GraphiQL from the app's own assets
// (./graphiql-assets), pointed at the endpoint, with a first query made from the contracts.
import type { HttpResponseInit } from '@azure/functions';
import { createHash } from 'node:crypto';
import { queryFieldNames } from '../../core/contracts/naming';
import type { ContractModel } from '../../core/contracts/model';
import { graphiqlAssetHref, type GraphiqlAssetName } from './graphiql-assets';
import { dataProduct } from './product';

/** A browser navigating to the endpoint (HTML first, no query in the URL). */
export function wantsGraphiql(accept: string | null, query: URLSearchParams): boolean {
  return (
    query.get('query') === null && query.get('extensions') === null && (accept ?? '').split(',').some((t) => t.trim().toLowerCase().startsWith('text/html'))
  );
}

/** A first query for the page: a search over the first node type with its fields, first relation and facets. */
export function defaultQuery(model: ContractModel): string {
  const node = Object.values(model.types)[0];
  if (!node) return '{ __typename }';
  const visible = (fields: ContractModel['types'][string]['fields']) =>
    Object.values(fields)
      .filter((f) => !f.pii)
      .map((f) => f.name);
  const relation = Object.values(node.edges)[0];
  const target = relation ? model.types[relation.to] : undefined;
  const related = relation && target ? [`${relation.name} { ${[target.key, ...visible(target.fields)].join(' ')} }`] : [];
  const search = queryFieldNames(node.name, node.plural).search;
  return [
    `# Search the ${node.plural}: their fields, ${relation ? `their ${relation.name}, ` : ''}and the facets of the matches.`,
    `# Ctrl-Enter runs the query; the Docs button shows the schema.`,
    `{`,
    `  ${search}(first: 5) {`,
    `    totalCount`,
    `    edges {`,
    `      node {`,
    ...[node.key, ...visible(node.fields), ...related].map((f) => `        ${f}`),
    `      }`,
    `    }`,
    `    facets { field buckets { value count } }`,
    `  }`,
    `}`,
    ``,
  ].join('\n');
}

// Fixed text, so the page's policy can allow exactly this inline script by its hash. The fetcher
// asks for the GraphQL response type and passes the headers typed in GraphiQL's headers tab
// (e.g. x-ms-client-principal); an answer that is not JSON shows as an error with its status.
const INIT_SCRIPT = `
const config = JSON.parse(document.getElementById('graphiql-config').textContent);
async function fetcher(params, options) {
  const res = await fetch(config.endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...(options && options.headers) },
    body: JSON.stringify(params),
  });
  const text = await res.text();
  try { return JSON.parse(text); } catch { return { errors: [{ message: res.status + ' ' + res.statusText + ': ' + text.slice(0, 500) }] }; }
}
ReactDOM.createRoot(document.getElementById('graphiql')).render(
  React.createElement(GraphiQL, { fetcher, defaultQuery: config.defaultQuery, defaultEditorToolsVisibility: false }),
);
`;
const INIT_HASH = `sha256-${createHash('sha256').update(INIT_SCRIPT).digest('base64')}`;

/** Nothing from elsewhere: scripts are the app's own files plus the one inline script above. */
const POLICY = [
  "default-src 'none'",
  `script-src 'self' '${INIT_HASH}'`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** JSON that can sit inside a <script> element. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

/**
 * The page for a browser at `pathname` (the endpoint's path). Its URLs are relative to it, so
 * they hold under any route prefix or a proxy that maps the path.
 */
export function graphiqlPage(pathname: string, model: ContractModel = dataProduct().product.model): HttpResponseInit {
  const endpoint = pathname.endsWith('/') ? '.' : (pathname.split('/').pop() ?? '.');
  const href = (name: GraphiqlAssetName) => graphiqlAssetHref(endpoint, name);
  const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>meshgraph GraphQL</title>
<link rel="stylesheet" href="${href('graphiql.min.css')}">
<style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script type="application/json" id="graphiql-config">${scriptJson({ endpoint, defaultQuery: defaultQuery(model) })}</script>
<script src="${href('react.production.min.js')}"></script>
<script src="${href('react-dom.production.min.js')}"></script>
<script src="${href('graphiql.min.js')}"></script>
<script>${INIT_SCRIPT}</script>
</body>
</html>
`;
  return {
    status: 200,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-cache',
      'content-security-policy': POLICY,
      'x-content-type-options': 'nosniff',
    },
    body: page,
  };
}
