import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkCollisions, compileRoute, matchRoute } from '../../../host/routes';
import type { HostedFunction } from '../../../host/worker/app';

function fn(name: string, route?: string, methods?: string[], app = 'hot'): HostedFunction {
  return {
    app,
    name,
    kind: 'http',
    trigger: { name: 'req', type: 'httpTrigger', direction: 'in', ...(route ? { route } : {}), ...(methods ? { methods } : {}) },
    registration: undefined as never,
    appHooks: { hooks: [], appHookData: {} },
  };
}

describe('routes', () => {
  it('matches literals case-insensitively and captures parameters', () => {
    const r = compileRoute(fn('sub', 'nodes/{type}/{id}/subgraph'));
    assert.deepEqual(matchRoute(r, ['Nodes', 'Customer', 'c1', 'subgraph']), { type: 'Customer', id: 'c1' });
    assert.equal(matchRoute(r, ['nodes', 'Customer', 'c1']), undefined);
    assert.equal(matchRoute(r, ['nodes', 'Customer', 'c1', 'subgraph', 'x']), undefined);
  });

  it('supports optional, constrained and catch-all parameters', () => {
    const opt = compileRoute(fn('opt', 'items/{id?}'));
    assert.deepEqual(matchRoute(opt, ['items']), {});
    assert.deepEqual(matchRoute(opt, ['items', '7']), { id: '7' });
    const int = compileRoute(fn('int', 'pages/{n:int}'));
    assert.deepEqual(matchRoute(int, ['pages', '12']), { n: '12' });
    assert.equal(matchRoute(int, ['pages', 'x']), undefined);
    const all = compileRoute(fn('all', 'files/{*path}'));
    assert.deepEqual(matchRoute(all, ['files', 'a', 'b.txt']), { path: 'a/b.txt' });
  });

  it('defaults the route to the function name and methods to GET and POST', () => {
    const r = compileRoute(fn('health'));
    assert.equal(r.template, 'health');
    assert.deepEqual([...r.methods].sort(), ['GET', 'POST']);
  });

  it('refuses two functions answering the same route and method', () => {
    assert.throws(
      () => checkCollisions([compileRoute(fn('a', 'x/{id}', ['GET'])), compileRoute(fn('b', 'x/{key}', ['GET'], 'cold'))]),
      /route collision: GET \/api\/x\/\{key\} is served by both hot\/a and cold\/b/,
    );
    assert.doesNotThrow(() => checkCollisions([compileRoute(fn('a', 'x/{id}', ['GET'])), compileRoute(fn('b', 'x/{id}', ['POST']))]));
  });
});
