// Progress of a connector run: on a terminal a bar redrawn in place (rows/s, rejected); elsewhere
// (CI, logs, pipes) a plain line per 10% of the input, or every 10 s when the size is unknown.

export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

export interface ProgressCounts {
  rows: number;
  rejected: number;
}

export type Progress = (done: number, counts: ProgressCounts, final?: boolean) => void;

const BAR_WIDTH = 24;
const REDRAW_MS = 200;
const PLAIN_EVERY_MS = 10_000;

/** `total` in the unit of `done` (bytes of a file); 0 when unknown. */
export function createProgress(label: string, total: number, stream: ProgressStream, now: () => number = Date.now): Progress {
  const started = now();
  let lastDraw = -Infinity;
  let lastDecile = 0;
  let lastPlain = started;
  return (done, counts, final = false) => {
    const at = now();
    const ratio = total > 0 ? Math.min(done / total, 1) : undefined;
    const rate = Math.round(counts.rows / Math.max((at - started) / 1000, 0.001));
    const text = `${counts.rows.toLocaleString('en-US')} rows, ${rate.toLocaleString('en-US')} rows/s, ${counts.rejected.toLocaleString('en-US')} rejected`;
    const percent = ratio === undefined ? '' : `${String(Math.floor(ratio * 100)).padStart(3)}% `;
    if (stream.isTTY) {
      if (!final && at - lastDraw < REDRAW_MS) return;
      lastDraw = at;
      const bar = ratio === undefined ? '' : `[${'#'.repeat(Math.round(ratio * BAR_WIDTH)).padEnd(BAR_WIDTH, '.')}] `;
      stream.write(`\r\x1b[2K${label} ${bar}${percent}${text}${final ? '\n' : ''}`);
      return;
    }
    const decile = ratio === undefined ? 0 : Math.floor(ratio * 10);
    if (final || (ratio !== undefined ? decile > lastDecile : at - lastPlain >= PLAIN_EVERY_MS)) {
      lastDecile = decile;
      lastPlain = at;
      stream.write(`${label}: ${percent}${text}\n`);
    }
  };
}
