// Writes to one SQLite index version: a versioned upsert of the typed row (RETURNING nothing when
// the stored version is the same or newer: stale), then the body and the FTS5 row. Never INSERT
// OR REPLACE on the documents table; in the contentless_delete FTS5 table a replace by rowid is
// what removes an update's old terms.
import type Database from 'better-sqlite3';
import { documentChecker, sizeProblem } from '../../core/projection/document';
import type { DocumentChecker } from '../../core/projection/document';
import type { BulkResult, ProjectionDoc } from '../../core/projection/port';
import { columnValues, ftsColumns, ftsValues } from './sqlite-layout';
import type { IndexLayout } from './sqlite-layout';

/**
 * Rows one bulk creates: rowids from `from` on (rows are never removed, tombstones stay, so a
 * rowid above the old maximum is new); `written` holds those already indexed once.
 */
export interface FreshRows {
  from: number;
  written: Set<number>;
}

type Statement = Database.Statement;

export class IndexWriter {
  private readonly checker: DocumentChecker;
  private readonly upsert: Statement;
  private readonly maxRid: Statement;
  private readonly body: { add: Statement; replace: Statement; drop: Statement };
  private readonly fts?: { add: Statement; replace: Statement; drop: Statement };

  constructor(db: Database.Database, readonly layout: IndexLayout) {
    this.checker = documentChecker(layout.spec);
    const cols = layout.columns.map((c) => c.column);
    this.upsert = db.prepare(
      `INSERT INTO ${layout.table} (id, version, deleted${cols.map((c) => ', ' + c).join('')}) VALUES (?, ?, ?${cols.map(() => ', ?').join('')})
       ON CONFLICT(id) DO UPDATE SET version = excluded.version, deleted = excluded.deleted${cols.map((c) => `, ${c} = excluded.${c}`).join('')}
       WHERE excluded.version > ${layout.table}.version RETURNING rid`,
    );
    this.maxRid = db.prepare(`SELECT coalesce(max(rid), 0) AS rid FROM ${layout.table}`);
    this.body = {
      add: db.prepare(`INSERT INTO ${layout.bodies} (rid, body) VALUES (?, ?)`),
      replace: db.prepare(`INSERT INTO ${layout.bodies} (rid, body) VALUES (?, ?) ON CONFLICT(rid) DO UPDATE SET body = excluded.body`),
      drop: db.prepare(`DELETE FROM ${layout.bodies} WHERE rid = ?`),
    };
    if (layout.hasFts) {
      const fts = ftsColumns(layout);
      const values = `(rowid, ${fts.join(', ')}) VALUES (?${fts.map(() => ', ?').join('')})`;
      this.fts = {
        // A row this bulk created has no FTS5 row yet: a plain insert is cheaper than a replace.
        add: db.prepare(`INSERT INTO ${layout.fts} ${values}`),
        replace: db.prepare(`INSERT OR REPLACE INTO ${layout.fts} ${values}`),
        drop: db.prepare(`DELETE FROM ${layout.fts} WHERE rowid = ?`),
      };
    }
  }

  /** Call inside the bulk's transaction, before its first write to this index. */
  freshRows(): FreshRows {
    return { from: (this.maxRid.get() as { rid: number }).rid + 1, written: new Set() };
  }

  write(doc: ProjectionDoc, result: BulkResult, fresh: FreshRows): void {
    const body = doc.deleted ? '' : JSON.stringify(doc.body);
    const problem = this.checker.problem(doc) ?? sizeProblem(body);
    if (problem || !Number.isSafeInteger(doc.version)) {
      result.failed.push({ id: doc.id, retryable: false, reason: problem ?? `version ${doc.version} is not an integer` });
      return;
    }
    const values = doc.deleted ? this.layout.columns.map(() => null) : columnValues(this.layout, doc.body);
    const row = this.upsert.get(doc.id, doc.version, doc.deleted ? 1 : 0, ...values) as { rid: number } | undefined;
    if (!row) {
      result.stale++;
      return;
    }
    result.written++;
    if (doc.deleted) {
      this.body.drop.run(row.rid);
      this.fts?.drop.run(row.rid);
      return;
    }
    const first = row.rid >= fresh.from && !fresh.written.has(row.rid);
    if (first) fresh.written.add(row.rid);
    (first ? this.body.add : this.body.replace).run(row.rid, body);
    (first ? this.fts?.add : this.fts?.replace)?.run(row.rid, ...ftsValues(this.layout, doc.body));
  }
}
