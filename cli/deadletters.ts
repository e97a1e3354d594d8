// `meshgraph deadletters list|replay`: what was rejected and why; replay sends rejected events
// again (after the cause is fixed: a contract change, an ownership fix) to a running host. The
// listing and replay themselves are adapters/deadletter/manage.ts, shared with the cold app's
// /api/admin/deadletters endpoints.
import { applyLocalSettings } from '../host/settings';
import { loadConfig } from '../core/config';
import { UserError } from '../core/errors';
import { TableDeadLetterStore } from '../adapters/deadletter/table';
import { allDeadLetters, filterOf, ingestEndpoint, IngestRefused, replayDeadLetters, type DeadLetterFilter } from '../adapters/deadletter/manage';
import type { DeadLetter } from '../core/ports/dead-letters';
import { option } from './args';

const USAGE = `usage: meshgraph deadletters list [--top N] [--stage S] [--source S] [--json]
       meshgraph deadletters replay [--all [--stage S] [--source S] | --id ID ...] [--url URL]   (default URL http://localhost:7071)`;

export async function deadLettersCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'list' && sub !== 'replay') {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  let filter: DeadLetterFilter;
  try {
    filter = filterOf((name) => option(rest, name));
  } catch (err) {
    process.stderr.write(`${(err as UserError).message}\n${USAGE}\n`);
    return 2;
  }
  applyLocalSettings();
  const cs = loadConfig().storage.connectionString;
  if (!cs) throw new Error('setting AzureWebJobsStorage: a connection string is needed to read dead letters');
  const store = new TableDeadLetterStore(cs);
  const unreachable = (err: unknown) => {
    process.stderr.write(`cannot read dead letters from storage (${(err as Error).message}); is the host (npm start) or Azurite running?\n`);
    return 1;
  };
  if (sub === 'list') {
    const top = Number(option(rest, 'top') ?? 50);
    const letters: DeadLetter[] = [];
    try {
      for await (const l of allDeadLetters(store, filter)) letters.push(l);
    } catch (err) {
      return unreachable(err);
    }
    const shown = letters.slice(-top);
    if (rest.includes('--json')) process.stdout.write(shown.map((l) => JSON.stringify(l)).join('\n') + (shown.length ? '\n' : ''));
    else for (const l of shown) process.stdout.write(`${l.at}  ${l.stage.padEnd(10)} ${(l.source ?? '-').padEnd(10)} ${(l.eventId ?? '-').padEnd(24)} ${l.reason}\n  id: ${l.id}\n`);
    process.stderr.write(`${letters.length} dead letter(s)${letters.length > shown.length ? `, newest ${shown.length} shown` : ''}\n`);
    return 0;
  }
  const all = rest.includes('--all');
  const ids = rest.flatMap((a, i) => (rest[i - 1] === '--id' ? [a] : []));
  if (!all && ids.length === 0) {
    process.stderr.write('name dead letters with --id (see `meshgraph deadletters list`) or use --all\n');
    return 2;
  }
  const url = option(rest, 'url') ?? 'http://localhost:7071';
  let result;
  try {
    result = await replayDeadLetters(store, all ? { all, filter } : { ids }, ingestEndpoint(url));
  } catch (err) {
    if (!(err instanceof IngestRefused)) return unreachable(err);
    process.stderr.write(`${err.message}\n`);
    return 1;
  }
  if (result.unknownIds.length) process.stderr.write(`no dead letter with id ${result.unknownIds.join(', ')}\n`);
  if (result.replayed === 0 && result.skipped.length === 0) {
    process.stderr.write('no dead letters to replay\n');
    return result.unknownIds.length ? 2 : 0;
  }
  process.stdout.write(`replayed ${result.replayed}: ${result.accepted} accepted, ${result.rejected.length} rejected again${result.skipped.length ? `; ${result.skipped.length} skipped (stage actor/projection: fix the cause and re-send from the source)` : ''}\n`);
  for (const r of result.rejected.slice(0, 10)) process.stdout.write(`  ${r.eventId ?? '?'}: ${r.reason}\n`);
  return result.rejected.length > 0 ? 1 : 0;
}
