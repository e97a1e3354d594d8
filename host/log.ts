// Prints the apps' structured logs readably on a terminal (one line each, fields as key=value).
// Functions log JSON through their invocation context (see core/log.ts); in Azure that JSON goes
// to Application Insights as is.
import type { LogSink } from './worker/app';

const LEVELS: Record<string, number> = { trace: 0, debug: 1, information: 2, info: 2, warning: 3, warn: 3, error: 4, critical: 5 };
const LABEL: Record<string, string> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  information: 'INFO ',
  info: 'INFO ',
  warning: 'WARN ',
  warn: 'WARN ',
  error: 'ERROR',
  critical: 'FATAL',
};

export function formatLine(entry: Parameters<LogSink>[0]): string {
  const time = new Date().toISOString().slice(11, 23);
  let message = entry.message;
  let fields = '';
  if (message.startsWith('{')) {
    try {
      const { msg, level: _level, ...rest } = JSON.parse(message) as Record<string, unknown>;
      message = String(msg ?? '');
      fields = Object.entries(rest)
        .map(([k, v]) => ` ${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join('');
    } catch {
      // not JSON after all: print as is
    }
  }
  return `${time} ${LABEL[entry.level] ?? entry.level} [${entry.fn}] ${message}${fields}`;
}

export function consoleLogSink(minLevel: string, out: (line: string) => void = (l) => process.stderr.write(l + '\n')): LogSink {
  const min = LEVELS[minLevel] ?? 2;
  return (entry) => {
    if ((LEVELS[entry.level] ?? 2) < min) return;
    // The worker's own system chatter (e.g. test-mode notices) is debug-level noise here.
    if (entry.category === 'system' && (LEVELS[entry.level] ?? 2) < 3) return;
    out(formatLine(entry));
  };
}
