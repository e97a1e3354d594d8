// `meshgraph deadletters list|replay`: what was rejected and why; replay sends rejected events
// again (after the cause is fixed: a contract change, an ownership fix) to a running host. The
// listing and replay themselves are adapters/deadletter/manage.ts, shared with the cold app's
// /api/admin/deadletters endpoints.
import { loadConfig } from '../core/config';
import { UserError } from '../core/errors';
import { TableDeadLetterStore } from '../adapters/deadletter/table';
import { allDeadLetters, filterOf, ingestEndpoint, IngestRefused, replayDeadLetters, type DeadLetterFilter } from '../adapters/deadletter/manage';
import type { DeadLetter } from '../core/ports/dead-letters';
import { UsageError, wholeNumber, type CommandIO, type Parsed } from './args';
import { DEADLETTERS_LIST, DEADLETTERS_REPLAY } from './commands';
import { checkHost, hostUrl } from './host-url';

function filterFrom(values: { stage: string | undefined; source: string | undefined }, command: string): DeadLetterFilter {
  try {
    return filterOf((name) => (name === 'stage' ? values.stage : name === 'source' ? values.source : undefined));
  } catch (err) {
    if (err instanceof UserError) throw new UsageError(`--${err.message}`, command);
    throw err;
  }
}

function deadLetterStore(): TableDeadLetterStore {
  const cs = loadConfig().storage.connectionString;
  if (!cs) throw new Error('setting AzureWebJobsStorage: a connection string is needed to read dead letters');
  return new TableDeadLetterStore(cs);
}

function unreachable(err: unknown, io: CommandIO): number {
  io.err(`cannot read dead letters from storage (${(err as Error).message}); is the host (npm start) or Azurite running?\n`);
  return 1;
}

export async function deadLettersListCommand({ values }: Parsed<typeof DEADLETTERS_LIST>, io: CommandIO): Promise<number> {
  const filter = filterFrom(values, DEADLETTERS_LIST.name);
  const top = wholeNumber(values.top ?? '50', 'top', 1, DEADLETTERS_LIST.name);
  const store = deadLetterStore();
  const letters: DeadLetter[] = [];
  try {
    for await (const l of allDeadLetters(store, filter)) letters.push(l);
  } catch (err) {
    return unreachable(err, io);
  }
  const shown = letters.slice(-top);
  if (values.json) io.out(shown.map((l) => JSON.stringify(l)).join('\n') + (shown.length ? '\n' : ''));
  else
    for (const l of shown)
      io.out(`${l.at}  ${l.stage.padEnd(10)} ${(l.source ?? '-').padEnd(10)} ${(l.eventId ?? '-').padEnd(24)} ${l.reason}\n  id: ${l.id}\n`);
  io.err(`${letters.length} dead letter(s)${letters.length > shown.length ? `, newest ${shown.length} shown` : ''}\n`);
  return 0;
}

export async function deadLettersReplayCommand({ values }: Parsed<typeof DEADLETTERS_REPLAY>, io: CommandIO): Promise<number> {
  const filter = filterFrom(values, DEADLETTERS_REPLAY.name);
  if (!values.all && values.id.length === 0)
    throw new UsageError('name dead letters with --id (see `meshgraph deadletters list`) or use --all', DEADLETTERS_REPLAY.name);
  if (values.all && values.id.length > 0) throw new UsageError('--all or --id, not both', DEADLETTERS_REPLAY.name);
  const host = hostUrl(values.url, DEADLETTERS_REPLAY.name);
  await checkHost(host);
  const store = deadLetterStore();
  let result;
  try {
    result = await replayDeadLetters(store, values.all ? { all: true, filter } : { ids: values.id }, ingestEndpoint(host.url));
  } catch (err) {
    if (!(err instanceof IngestRefused)) return unreachable(err, io);
    io.err(`${err.message}\n`);
    return 1;
  }
  if (result.unknownIds.length) io.err(`no dead letter with id ${result.unknownIds.join(', ')}\n`);
  if (result.replayed === 0 && result.skipped.length === 0) {
    io.err('no dead letters to replay\n');
    return result.unknownIds.length ? 2 : 0;
  }
  io.out(
    `replayed ${result.replayed}: ${result.accepted} accepted, ${result.rejected.length} rejected again${result.skipped.length ? `; ${result.skipped.length} skipped (stage actor/projection: fix the cause and re-send from the source)` : ''}\n`,
  );
  for (const r of result.rejected.slice(0, 10)) io.out(`  ${r.eventId ?? '?'}: ${r.reason}\n`);
  return result.rejected.length > 0 ? 1 : 0;
}
