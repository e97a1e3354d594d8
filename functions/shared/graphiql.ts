// The GraphiQL page for browsers on GET /api/graphql, served from the app's own assets (no CDN).
import type { HttpResponseInit } from '@azure/functions';

/** A browser navigating to the endpoint (HTML first, no query in the URL). */
export function wantsGraphiql(accept: string | null, query: URLSearchParams): boolean {
  return query.get('query') === null && query.get('extensions') === null && (accept ?? '').split(',').some((t) => t.trim().toLowerCase().startsWith('text/html'));
}

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>meshgraph GraphQL</title></head>
<body style="font-family: sans-serif; margin: 1rem">
<h1>meshgraph GraphQL</h1>
<textarea id="query" rows="12" cols="100">{ searchCustomers(first: 5) { totalCount edges { node { id name city } } } }</textarea><br>
<button id="run">Run</button>
<pre id="result"></pre>
<script>
document.getElementById('run').onclick = async () => {
  const res = await fetch(location.pathname, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' }, body: JSON.stringify({ query: document.getElementById('query').value }) });
  document.getElementById('result').textContent = JSON.stringify(await res.json(), null, 2);
};
</script></body></html>`;

export function graphiqlPage(): HttpResponseInit {
  return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' }, body: PAGE };
}
