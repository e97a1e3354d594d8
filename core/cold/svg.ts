// The subgraph drawn as SVG, laid out on the server: the root in the middle, each further hop on
// a wider ring, nodes coloured by type with their label, edges named by relation. Deterministic
// (same graph, same picture) and self-contained (no script, no external font or stylesheet).
import type { Subgraph } from './subgraph';

const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
const RING = 170;
const RADIUS = 26;

export function escapeXml(text: string): string {
  return text
    .replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!)
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

function truncate(text: string, max = 22): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Hops from the root, over edges in either direction. */
function levels(graph: Subgraph): Map<string, number> {
  const next = new Map<string, string[]>();
  for (const e of graph.edges) {
    next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
    next.set(e.to, [...(next.get(e.to) ?? []), e.from]);
  }
  const level = new Map([[graph.root, 0]]);
  const queue = [graph.root];
  for (let i = 0; i < queue.length; i++) {
    const at = queue[i]!;
    for (const n of next.get(at) ?? []) if (!level.has(n)) level.set(n, level.get(at)! + 1) && queue.push(n);
  }
  return level;
}

export function renderSubgraphSvg(graph: Subgraph, typeOrder: string[]): string {
  const level = levels(graph);
  const rings = new Map<number, string[]>();
  for (const n of [...graph.nodes].sort((a, b) => (a.type === b.type ? (a.key < b.key ? -1 : 1) : a.type < b.type ? -1 : 1))) {
    const l = level.get(n.id) ?? 1;
    rings.set(l, [...(rings.get(l) ?? []), n.id]);
  }
  const c = 0;
  const pos = new Map<string, { x: number; y: number }>();
  const angleOf = new Map<string, number>();
  const parents = new Map<string, string[]>();
  for (const e of graph.edges) {
    for (const [a, b] of [
      [e.from, e.to],
      [e.to, e.from],
    ] as const)
      if ((level.get(a) ?? 0) + 1 === level.get(b)) parents.set(b, [...(parents.get(b) ?? []), a]);
  }
  // Ring by ring, each node sits in the order of its parents' angles (fewer crossings).
  for (const l of [...rings.keys()].sort((a, b) => a - b)) {
    const ids = rings.get(l)!;
    const around = (id: string) => {
      const ps = (parents.get(id) ?? []).map((p) => angleOf.get(p) ?? 0);
      return ps.length
        ? Math.atan2(
            ps.reduce((s, a) => s + Math.sin(a), 0),
            ps.reduce((s, a) => s + Math.cos(a), 0),
          )
        : 0;
    };
    const ordered = l === 0 ? ids : [...ids].sort((a, b) => around(a) - around(b));
    // Near the parents when there is room, else evenly: at least `gap` apart on the ring.
    const gap = l === 0 ? 0 : Math.min((2 * Math.PI) / ordered.length, (RADIUS * 3.2) / (l * RING));
    const angles: number[] = [];
    ordered.forEach(
      (id, i) =>
        (angles[i] =
          l <= 1 && parents.size === 0
            ? -Math.PI / 2 + i * gap
            : Math.max(l === 1 ? -Math.PI / 2 + i * ((2 * Math.PI) / ordered.length) : around(id), i > 0 ? angles[i - 1]! + gap : -Infinity)),
    );
    const overflow = angles.length > 1 ? angles[angles.length - 1]! - around(ordered[ordered.length - 1]!) : 0;
    ordered.forEach((id, i) => {
      const angle = angles[i]! - (l > 1 ? Math.max(0, overflow) / 2 : 0);
      angleOf.set(id, angle);
      pos.set(id, { x: c + l * RING * Math.cos(angle), y: c + l * RING * Math.sin(angle) });
    });
  }
  const colour = (type: string) => PALETTE[Math.max(0, typeOrder.indexOf(type)) % PALETTE.length]!;
  // Cropped to what is drawn, with room for labels and the legend.
  const xs = [...pos.values()].map((p) => p.x);
  const ys = [...pos.values()].map((p) => p.y);
  const x0 = Math.min(...xs) - RADIUS - 110;
  const y0 = Math.min(...ys) - RADIUS - 30;
  const width = Math.max(...xs) - x0 + RADIUS + 110;
  const height = Math.max(...ys) - y0 + RADIUS + 40;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${Math.round(width)}" height="${Math.round(height)}" viewBox="${x0.toFixed(1)} ${y0.toFixed(1)} ${width.toFixed(1)} ${height.toFixed(1)}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<title>${escapeXml(`subgraph of ${graph.root}: ${graph.nodes.length} nodes, ${graph.edges.length} edges`)}</title>`,
    `<rect x="${x0.toFixed(1)}" y="${y0.toFixed(1)}" width="100%" height="100%" fill="#ffffff"/>`,
  ];
  for (const e of graph.edges) {
    const a = pos.get(e.from);
    const b = pos.get(e.to);
    if (!a || !b) continue;
    out.push(`<line x1="${a.x.toFixed(1)}" y1="${a.y.toFixed(1)}" x2="${b.x.toFixed(1)}" y2="${b.y.toFixed(1)}" stroke="#9aa0a6" stroke-width="1.5"/>`);
    out.push(
      `<text x="${((a.x + b.x) / 2).toFixed(1)}" y="${((a.y + b.y) / 2 - 4).toFixed(1)}" text-anchor="middle" fill="#5f6368" font-size="10">${escapeXml(e.rel)}</text>`,
    );
  }
  for (const n of graph.nodes) {
    const p = pos.get(n.id)!;
    const name = Object.values(n.fields).find((v) => typeof v === 'string');
    out.push(
      `<g><circle cx="${p.x.toFixed(1)}" cy="${p.y.toFixed(1)}" r="${RADIUS}" fill="${colour(n.type)}" stroke="${n.id === graph.root ? '#202124' : '#ffffff'}" stroke-width="${n.id === graph.root ? 3 : 2}"/>`,
    );
    out.push(
      `<text x="${p.x.toFixed(1)}" y="${(p.y + 4).toFixed(1)}" text-anchor="middle" fill="#ffffff" font-weight="bold" font-size="10">${escapeXml(truncate(n.type, 9))}</text>`,
    );
    out.push(
      `<text x="${p.x.toFixed(1)}" y="${(p.y + RADIUS + 14).toFixed(1)}" text-anchor="middle" fill="#202124">${escapeXml(truncate(typeof name === 'string' ? name : n.key))}</text></g>`,
    );
  }
  const legend = typeOrder.filter((t) => graph.nodes.some((n) => n.type === t));
  legend.forEach((t, i) =>
    out.push(
      `<g><rect x="${(x0 + 12).toFixed(1)}" y="${(y0 + 12 + i * 18).toFixed(1)}" width="12" height="12" fill="${colour(t)}"/><text x="${(x0 + 30).toFixed(1)}" y="${(y0 + 22 + i * 18).toFixed(1)}" fill="#202124">${escapeXml(t)}</text></g>`,
    ),
  );
  out.push('</svg>');
  return out.join('\n');
}
