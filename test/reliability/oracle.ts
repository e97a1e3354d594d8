// The reference model: what the graph must look like after a set of change events, computed with
// plain functions straight from the rules in ARCHITECTURE.md and issue #5 — independent of the
// actor code (no state cells, no messages, no reactions): every register is the maximum over
// the events that touch it.
import type { ContractModel, NodeModel } from '../../core/contracts/model';

export interface OracleEvent {
  id: string;
  source: string;
  sequence: number;
  type: 'upsert' | 'delete' | 'link' | 'unlink';
  /** `Type/id` */
  subject: string;
  data?: Record<string, unknown>;
}

/** The order of two changes: sequence, then event id (as the ingest path keys them). */
const newer = (a: OracleEvent, b: OracleEvent | undefined): boolean => !b || a.sequence > b.sequence || (a.sequence === b.sequence && a.id > b.id);

/** A node as GraphQL shows it: fields (non-null), edge ids, carried rows — lists sorted by id. */
export type NodeView = Record<string, unknown>;

export class Oracle {
  constructor(private readonly model: ContractModel) {}

  /** Every visible node's view, keyed `Type:id`; hidden nodes (deleted, placeholders) are absent. */
  views(events: OracleEvent[]): Map<string, NodeView> {
    const byId = new Map<string, OracleEvent>();
    for (const e of events) byId.set(`${e.source}/${e.id}`, e);
    const unique = [...byId.values()];
    const nodes = new Set<string>();
    const tomb = new Map<string, OracleEvent>();
    const upserts = new Map<string, OracleEvent[]>();
    /** `Type:id|rel` → neighbour `Type:id` → newest link/unlink. */
    const edges = new Map<string, Map<string, OracleEvent>>();
    const cell = (node: string, rel: string, to: string, e: OracleEvent) => {
      const key = `${node}|${rel}`;
      const cells = edges.get(key) ?? new Map<string, OracleEvent>();
      if (newer(e, cells.get(to))) cells.set(to, e);
      edges.set(key, cells);
    };
    for (const e of unique) {
      const node = e.subject.replace('/', ':');
      nodes.add(node);
      if (e.type === 'delete') {
        if (newer(e, tomb.get(node))) tomb.set(node, e);
      } else if (e.type === 'upsert') {
        upserts.set(node, [...(upserts.get(node) ?? []), e]);
      } else {
        const type = node.slice(0, node.indexOf(':'));
        const rel = String(e.data?.['rel']);
        const to = String(e.data?.['to']).replace('/', ':');
        nodes.add(to);
        cell(node, rel, to, e);
        cell(to, this.model.types[type]!.edges[rel]!.inverse, node, e);
      }
    }
    const typeOf = (gid: string): NodeModel => this.model.types[gid.slice(0, gid.indexOf(':'))]!;
    /** A field's value: the newest upsert setting it, unless its source's delete came later. */
    const fieldsOf = (gid: string): Map<string, { value: unknown; source: string }> => {
      const node = typeOf(gid);
      const out = new Map<string, { value: unknown; source: string; e: OracleEvent }>();
      const t = tomb.get(gid);
      for (const e of upserts.get(gid) ?? []) {
        if (t && t.source === e.source && !newer(e, t)) continue;
        for (const [name, value] of Object.entries(e.data ?? {})) {
          if (!node.fields[name]) continue;
          if (newer(e, out.get(name)?.e)) out.set(name, { value, source: e.source, e });
        }
      }
      return out;
    };
    const visible = (gid: string): boolean => {
      const node = typeOf(gid);
      const t = tomb.get(gid);
      return (upserts.get(gid) ?? []).some((e) => e.source === node.owner && Object.keys(e.data ?? {}).some((n) => node.fields[n]) && (!t || newer(e, t)));
    };
    const holders = (gid: string, rel: string): string[] => {
      const one = typeOf(gid).edges[rel]!.cardinality === 'one';
      const linked = [...(edges.get(`${gid}|${rel}`) ?? new Map<string, OracleEvent>())].filter(([, e]) => e.type === 'link');
      if (!one) return linked.map(([to]) => to).sort();
      let best: [string, OracleEvent] | undefined;
      for (const entry of linked) if (!best || newer(entry[1], best[1])) best = entry;
      return best ? [best[0]] : [];
    };
    const idOf = (gid: string) => gid.slice(gid.indexOf(':') + 1);
    const out = new Map<string, NodeView>();
    for (const gid of nodes) {
      if (!visible(gid)) continue;
      const node = typeOf(gid);
      const view: NodeView = { [node.key]: idOf(gid) };
      for (const [name, { value }] of fieldsOf(gid)) if (value !== null) view[name] = value;
      for (const edge of Object.values(node.edges)) {
        const linked = holders(gid, edge.name).filter(visible).map(idOf).sort();
        view[edge.name] = edge.cardinality === 'many' ? linked : (linked[0] ?? null);
      }
      for (const d of Object.values(node.denormalized)) {
        let level = [gid];
        for (const rel of d.via) level = level.flatMap((g) => holders(g, rel).filter(visible));
        const rows = [...new Set(level)].sort().map((g) => {
          const row: Record<string, unknown> = { id: idOf(g) };
          const fields = fieldsOf(g);
          for (const name of Object.keys(d.fields)) {
            const v = fields.get(name)?.value;
            if (v !== undefined && v !== null) row[name] = v;
          }
          return row;
        });
        view[d.name] = d.many ? rows : (rows[0] ?? null);
      }
      out.set(gid, view);
    }
    return out;
  }
}
