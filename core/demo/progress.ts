// Progress of a demo generation or run: `done` of `total` roots, with events, nodes and events/s.
import { progressLine, type ProgressStream } from '../progress';

export type { ProgressStream };

export interface ProgressCounts {
  events: number;
  nodes: number;
}

export type Progress = (done: number, counts: ProgressCounts, final?: boolean) => void;

export function createProgress(total: number, label: string, stream: ProgressStream, now: () => number = Date.now): Progress {
  const line = progressLine(total, stream, { plainPrefix: 'demo: ' }, now);
  return (done, counts, final) => line(done, (s) => `${done}/${total} ${label}, ${counts.events} events, ${counts.nodes} nodes, ${Math.round(counts.events / s)} events/s`, final);
}
