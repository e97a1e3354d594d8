// Shared by the benchmarks: every figure is printed next to a baseline measured in the same run,
// as a ratio (the machine is shared and noisy; absolute times drift). The last line of each
// benchmark is one JSON object with all its figures, for scripts.
export interface Figure {
  figure: string;
  value: number;
  unit: string;
  baseline?: number;
  baselineLabel?: string;
  ratio?: number;
  goal?: string;
  met?: boolean;
}

export function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

export function fmt(n: number | null | undefined): string {
  // A figure that could not be measured (NaN) is null once it went through JSON.
  if (n === null || n === undefined || !Number.isFinite(n)) return 'n/a';
  return Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(n >= 10 ? 1 : 2);
}

export function report(bench: string, figures: Figure[]): void {
  process.stdout.write(`\n${bench}\n`);
  process.stdout.write(`${pad('figure', 52)}${pad('value', 16)}${pad('baseline', 26)}${pad('ratio', 9)}goal\n`);
  for (const f of figures) {
    const base = f.baseline === undefined ? '' : `${fmt(f.baseline)} ${f.baselineLabel ?? ''}`;
    const goal = f.goal ? `${f.goal} ${f.met === undefined ? '' : f.met ? '(met)' : '(NOT met)'}` : '';
    process.stdout.write(
      `${pad(f.figure, 52)}${pad(`${fmt(f.value)} ${f.unit}`, 16)}${pad(base, 26)}${pad(f.ratio === undefined ? '' : f.ratio.toFixed(2), 9)}${goal}\n`,
    );
  }
  process.stdout.write(JSON.stringify({ bench, figures }) + '\n');
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
