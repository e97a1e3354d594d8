import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { escapeXml, renderSubgraphSvg } from '../../../core/cold/svg';
import type { Subgraph } from '../../../core/cold/subgraph';

describe('subgraph SVG', () => {
  it('escapes labels, so hostile text cannot inject markup', () => {
    const svg = renderSubgraphSvg({ root: 'A:1', nodes: [{ id: 'A:1', type: 'A', key: '1', fields: { name: '<script>alert("x")</script>&' } }], edges: [] }, [
      'A',
    ]);
    assert.ok(!svg.includes('<script>'));
    assert.ok(svg.includes('&lt;script&gt;'));
    assert.equal(escapeXml('a\u0001b"'), 'ab&quot;');
  });

  // The root, two neighbours and one node two hops out.
  const graph = (): Subgraph => ({
    root: 'A:1',
    nodes: [
      { id: 'A:1', type: 'A', key: '1', fields: { name: 'Root' } },
      { id: 'B:2', type: 'B', key: '2', fields: { name: 'Left' } },
      { id: 'B:3', type: 'B', key: '3', fields: {} },
      { id: 'C:4', type: 'C', key: '4', fields: { size: 7 } },
    ],
    edges: [
      { from: 'A:1', rel: 'owns', to: 'B:2' },
      { from: 'A:1', rel: 'owns', to: 'B:3' },
      { from: 'B:2', rel: 'uses', to: 'C:4' },
    ],
  });
  const TYPES = ['A', 'B', 'C'];
  const circles = (svg: string) => [...svg.matchAll(/<circle cx="([-\d.]+)" cy="([-\d.]+)"/g)].map((m) => `${m[1]},${m[2]}`);

  it('draws one circle per node, one line and one relation label per edge, one legend entry per type', () => {
    const svg = renderSubgraphSvg(graph(), TYPES);
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="\d+" height="\d+"[^>]*>\n[\s\S]*\n<\/svg>$/);
    assert.equal(circles(svg).length, 4);
    assert.equal(new Set(circles(svg)).size, 4, 'no two nodes drawn on the same spot');
    assert.equal(svg.match(/<line /g)?.length, 3);
    assert.equal(svg.match(/>owns<\/text>/g)?.length, 2);
    assert.equal(svg.match(/>uses<\/text>/g)?.length, 1);
    assert.match(svg, /<title>subgraph of A:1: 4 nodes, 3 edges<\/title>/);
    // Each node labelled with its first text field, else its key.
    for (const label of ['Root', 'Left', '3', '4']) assert.match(svg, new RegExp(`fill="#202124">${label}</text></g>`), label);
    assert.equal(svg.match(/<rect x="[-\d.]+" y="[-\d.]+" width="12" height="12"/g)?.length, 3);
    assert.match(svg, /<circle cx="0\.0" cy="0\.0" r="26" fill="[^"]+" stroke="#202124" stroke-width="3"\/>/, 'the root in the middle, outlined');
  });

  it('lays out deterministically: the same graph gives the same picture, byte for byte, whatever order it is listed in', () => {
    const svg = renderSubgraphSvg(graph(), TYPES);
    assert.equal(circles(svg).length, 4, 'a picture to compare, not an empty one');
    assert.equal(renderSubgraphSvg(graph(), TYPES), svg);
    assert.equal(renderSubgraphSvg(structuredClone(graph()), [...TYPES]), svg);
    const reversed = graph();
    reversed.nodes.reverse();
    reversed.edges.reverse();
    assert.deepEqual(circles(renderSubgraphSvg(reversed, TYPES)).sort(), circles(svg).sort(), 'each node in the same place');
  });

  it('draws a different graph differently', () => {
    const svg = renderSubgraphSvg(graph(), TYPES);
    const renamed = graph();
    renamed.nodes[1]!.fields = { name: 'Right' };
    assert.notEqual(renderSubgraphSvg(renamed, TYPES), svg);
    const grown = graph();
    grown.nodes.push({ id: 'C:5', type: 'C', key: '5', fields: {} });
    grown.edges.push({ from: 'B:3', rel: 'uses', to: 'C:5' });
    const bigger = renderSubgraphSvg(grown, TYPES);
    assert.equal(circles(bigger).length, 5);
    assert.equal(bigger.match(/<line /g)?.length, 4);
  });
});
