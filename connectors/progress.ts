// Progress of a connector run: rows, rows/s and rejected rows, against the input's size in bytes
// when it is known.
import { progressLine, type ProgressStream } from '../core/progress';

export type { ProgressStream };

export interface ProgressCounts {
  rows: number;
  rejected: number;
}

export type Progress = (done: number, counts: ProgressCounts, final?: boolean) => void;

const n = (value: number) => value.toLocaleString('en-US');

/** `total` in the unit of `done` (bytes of a file); 0 when unknown. */
export function createProgress(label: string, total: number, stream: ProgressStream, now: () => number = Date.now): Progress {
  const line = progressLine(total, stream, { plainPrefix: `${label}: `, ttyPrefix: `${label} `, barWidth: 24, redrawMs: 200 }, now);
  return (done, counts, final) => line(done, (s) => `${n(counts.rows)} rows, ${n(Math.round(counts.rows / s))} rows/s, ${n(counts.rejected)} rejected`, final);
}
