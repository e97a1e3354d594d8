// Writes to one SQLite index version, in two steps (see sqlite-layout.ts):
// - `write`, inside a bulk's transaction: the document is checked, then a versioned upsert of the
//   source row (RETURNING nothing when the stored version is the same or newer: stale) and its
//   rowid marked pending. That is all a bulk pays: about what a bare insert of the row costs.
// - `refresh`, later and in large batches: pending rows become typed rows and FTS5 rows (a
//   tombstone removes both). FTS5 builds far fewer, larger segments from a batch of thousands of
//   documents than from many small transactions, and the B-tree indexes of sortable fields are
//   updated in rowid order.
// Never INSERT OR REPLACE on the source table (it would renumber the row and leave stale FTS5 rows).
import type Database from 'better-sqlite3';
import { documentChecker, sizeProblem } from '../../core/projection/document';
import type { DocumentChecker } from '../../core/projection/document';
import type { BulkResult, ProjectionDoc } from '../../core/projection/port';
import { columnValues, ftsColumns, ftsValues } from './sqlite-layout';
import type { IndexLayout } from './sqlite-layout';

type Statement = Database.Statement;

interface PendingRow {
  rid: number;
  id: string;
  deleted: number;
  body: string | null;
}

export class IndexWriter {
  private readonly checker: DocumentChecker;
  private readonly upsert: Statement;
  private readonly mark: Statement;
  private readonly pendingRows: Statement;
  private readonly anyPending: Statement;
  private readonly countPending: Statement;
  private readonly clearPending: Statement;
  private readonly row: { add: Statement; drop: Statement };
  private readonly fts?: { add: Statement; drop: Statement };

  constructor(
    db: Database.Database,
    readonly layout: IndexLayout,
  ) {
    this.checker = documentChecker(layout.spec);
    const { source, pending, table } = layout;
    this.upsert = db.prepare(
      `INSERT INTO ${source} (id, version, deleted, body) VALUES (?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET version = excluded.version, deleted = excluded.deleted, body = excluded.body
       WHERE excluded.version > ${source}.version RETURNING rid`,
    );
    this.mark = db.prepare(`INSERT OR IGNORE INTO ${pending} (rid) VALUES (?)`);
    this.pendingRows = db.prepare(`SELECT p.rid, s.id, s.deleted, s.body FROM ${pending} p JOIN ${source} s ON s.rid = p.rid ORDER BY p.rid LIMIT ?`);
    this.anyPending = db.prepare(`SELECT 1 FROM ${pending} LIMIT 1`).pluck();
    this.countPending = db.prepare(`SELECT count(*) FROM ${pending}`).pluck();
    this.clearPending = db.prepare(`DELETE FROM ${pending} WHERE rid <= ?`);
    const cols = layout.columns.map((c) => c.column);
    this.row = {
      add: db.prepare(`INSERT INTO ${table} (rid, id${cols.map((c) => ', ' + c).join('')}) VALUES (?, ?${cols.map(() => ', ?').join('')})`),
      drop: db.prepare(`DELETE FROM ${table} WHERE rid = ?`),
    };
    if (layout.hasFts) {
      const fts = ftsColumns(layout);
      this.fts = {
        add: db.prepare(`INSERT INTO ${layout.fts} (rowid, ${fts.join(', ')}) VALUES (?${fts.map(() => ', ?').join('')})`),
        drop: db.prepare(`DELETE FROM ${layout.fts} WHERE rowid = ?`),
      };
    }
  }

  /** Call inside the bulk's transaction: the document is stored (get sees it) and waits for a refresh. */
  write(doc: ProjectionDoc, result: BulkResult): void {
    const body = doc.deleted ? null : JSON.stringify(doc.body);
    const problem = this.checker.problem(doc) ?? (body === null ? undefined : sizeProblem(body));
    if (problem || !Number.isSafeInteger(doc.version)) {
      result.failed.push({ id: doc.id, retryable: false, reason: problem ?? `version ${doc.version} is not an integer` });
      return;
    }
    const row = this.upsert.get(doc.id, doc.version, doc.deleted ? 1 : 0, body) as { rid: number } | undefined;
    if (!row) {
      result.stale++;
      return;
    }
    result.written++;
    this.mark.run(row.rid);
  }

  hasPending(): boolean {
    return this.anyPending.get() !== undefined;
  }

  /** Documents written but not yet searchable (waiting for a refresh). */
  pendingCount(): number {
    return this.countPending.get() as number;
  }

  /** Call inside a write transaction: makes up to `limit` pending documents searchable; returns how many. */
  refresh(limit: number): number {
    const rows = this.pendingRows.all(limit) as PendingRow[];
    for (const { rid, id, deleted, body } of rows) {
      if (this.row.drop.run(rid).changes > 0) this.fts?.drop.run(rid);
      if (deleted || body === null) continue;
      const parsed = JSON.parse(body) as ProjectionDoc['body'];
      this.row.add.run(rid, id, ...columnValues(this.layout, parsed));
      this.fts?.add.run(rid, ...ftsValues(this.layout, parsed));
    }
    const last = rows[rows.length - 1];
    if (last) this.clearPending.run(last.rid);
    return rows.length;
  }
}
