// Progress of long work (demo generation, demo runs, file ingestion): on a terminal a bar
// redrawn in place; elsewhere (CI, logs, pipes) one plain line per 10% of the total, or, when the
// total is unknown, one every `plainEveryMs`, so logs stay readable. The final call always prints.

export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

export interface ProgressStyle {
  /** Starts every plain line (e.g. `demo: `). */
  plainPrefix: string;
  /** Precedes the bar on a terminal (e.g. the file's name). */
  ttyPrefix?: string;
  barWidth?: number;
  /** Fewest milliseconds between two redraws on a terminal. */
  redrawMs?: number;
  /** With an unknown total (0): milliseconds between plain lines. */
  plainEveryMs?: number;
}

/** Reports `done` of the total; `text` says the rest, given the seconds since the start. */
export type ProgressLine = (done: number, text: (seconds: number) => string, final?: boolean) => void;

export function progressLine(total: number, stream: ProgressStream, style: ProgressStyle, now: () => number = Date.now): ProgressLine {
  const { plainPrefix, ttyPrefix = '', barWidth = 30, redrawMs = 100, plainEveryMs = 10_000 } = style;
  const started = now();
  let lastDraw = -Infinity;
  let lastDecile = -1;
  let lastPlain = started;
  return (done, text, final = false) => {
    const at = now();
    const ratio = total > 0 ? Math.min(done / total, 1) : undefined;
    const percent = ratio === undefined ? undefined : Math.floor(ratio * 100);
    const seconds = Math.max((at - started) / 1000, 0.001);
    if (stream.isTTY) {
      if (!final && at - lastDraw < redrawMs) return;
      lastDraw = at;
      const bar = ratio === undefined ? '' : `[${'#'.repeat(Math.round(ratio * barWidth)).padEnd(barWidth, '.')}] ${String(percent).padStart(3)}% `;
      stream.write(`\r\x1b[2K${ttyPrefix}${bar}${text(seconds)}${final ? '\n' : ''}`);
      return;
    }
    const decile = ratio === undefined ? 0 : Math.floor(ratio * 10);
    if (final || (ratio !== undefined ? decile > lastDecile : at - lastPlain >= plainEveryMs)) {
      lastDecile = decile;
      lastPlain = at;
      stream.write(`${plainPrefix}${percent === undefined ? '' : `${percent}% `}${text(seconds)}\n`);
    }
  };
}

const count = (value: number) => value.toLocaleString('en-US');

/** Counts a demo generation or run reports. */
export interface DemoCounts {
  events: number;
  nodes: number;
}

export type DemoProgress = (done: number, counts: DemoCounts, final?: boolean) => void;

/** A demo generation or run: `done` of `total` roots (`label` names them), with events, nodes and events/s. */
export function demoProgress(total: number, label: string, stream: ProgressStream, now: () => number = Date.now): DemoProgress {
  const line = progressLine(total, stream, { plainPrefix: 'demo: ' }, now);
  return (done, counts, final) =>
    line(done, (s) => `${done}/${total} ${label}, ${counts.events} events, ${counts.nodes} nodes, ${Math.round(counts.events / s)} events/s`, final);
}

/** Counts a connector run reports. */
export interface RowCounts {
  rows: number;
  rejected: number;
}

export type RowProgress = (done: number, counts: RowCounts, final?: boolean) => void;

/** A connector run: rows, rows/s and rejected rows; `total` in the unit of `done` (a file's bytes), 0 when unknown. */
export function rowProgress(label: string, total: number, stream: ProgressStream, now: () => number = Date.now): RowProgress {
  const line = progressLine(total, stream, { plainPrefix: `${label}: `, ttyPrefix: `${label} `, barWidth: 24, redrawMs: 200 }, now);
  return (done, counts, final) =>
    line(done, (s) => `${count(counts.rows)} rows, ${count(Math.round(counts.rows / s))} rows/s, ${count(counts.rejected)} rejected`, final);
}
