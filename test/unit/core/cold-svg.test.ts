import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { escapeXml, renderSubgraphSvg } from '../../../core/cold/svg';

describe('subgraph SVG', () => {
  it('escapes labels, so hostile text cannot inject markup', () => {
    const svg = renderSubgraphSvg({ root: 'A:1', nodes: [{ id: 'A:1', type: 'A', key: '1', fields: { name: '<script>alert("x")</script>&' } }], edges: [] }, ['A']);
    assert.ok(!svg.includes('<script>'));
    assert.ok(svg.includes('&lt;script&gt;'));
    assert.equal(escapeXml('a\u0001b"'), 'ab&quot;');
  });

  it('lays out deterministically: the same graph gives the same picture', () => {
    const graph = { root: 'A:1', nodes: [{ id: 'A:1', type: 'A', key: '1', fields: {} }, { id: 'B:2', type: 'B', key: '2', fields: {} }], edges: [{ from: 'A:1', rel: 'r', to: 'B:2' }] };
    assert.equal(renderSubgraphSvg(graph, ['A', 'B']), renderSubgraphSvg(structuredClone(graph), ['A', 'B']));
  });
});
