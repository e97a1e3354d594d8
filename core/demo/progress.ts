// Progress of a long generation: a bar redrawn in place on a terminal; elsewhere (CI, logs,
// pipes) one plain line per 10%, so logs stay readable.

export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

export interface ProgressCounts {
  events: number;
  nodes: number;
}

export type Progress = (done: number, counts: ProgressCounts, final?: boolean) => void;

const BAR_WIDTH = 30;
const REDRAW_MS = 100;

export function createProgress(total: number, label: string, stream: ProgressStream, now: () => number = Date.now): Progress {
  const started = now();
  let lastDraw = -Infinity;
  let lastDecile = -1;
  return (done, counts, final = false) => {
    const at = now();
    const ratio = total === 0 ? 1 : Math.min(done / total, 1);
    const percent = Math.floor(ratio * 100);
    const rate = Math.round(counts.events / Math.max((at - started) / 1000, 0.001));
    const text = `${done}/${total} ${label}, ${counts.events} events, ${counts.nodes} nodes, ${rate} events/s`;
    if (stream.isTTY) {
      if (!final && at - lastDraw < REDRAW_MS) return;
      lastDraw = at;
      const filled = Math.round(ratio * BAR_WIDTH);
      stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${String(percent).padStart(3)}% ${text}${final ? '\n' : ''}`);
      return;
    }
    const decile = Math.floor(ratio * 10);
    if (decile > lastDecile || final) {
      lastDecile = decile;
      stream.write(`demo: ${percent}% ${text}\n`);
    }
  };
}
