// `meshgraph deadletters list|replay`: what was rejected and why; replay sends rejected events
// again (after the cause is fixed: a contract change, an ownership fix) to a running host.
import { applyLocalSettings } from '../host/settings';
import { loadConfig } from '../core/config';
import { TableDeadLetterStore } from '../adapters/deadletter/table';
import type { DeadLetter } from '../core/ports/dead-letters';
import { option } from './args';

const USAGE = `usage: meshgraph deadletters list [--top N] [--json]
       meshgraph deadletters replay [--all | --id ID ...] [--url URL]   (default URL http://localhost:7071)`;

/** Events rejected at ingestion can be sent again as they were; later stages hold no event. */
export function replayable(letter: DeadLetter): boolean {
  return (letter.stage === 'ingest' || letter.stage === 'trigger') && typeof letter.payload === 'object' && letter.payload !== null;
}

async function all(store: TableDeadLetterStore): Promise<DeadLetter[]> {
  const out: DeadLetter[] = [];
  let continuation: string | undefined;
  do {
    const page = await store.list({ top: 1000, ...(continuation ? { continuation } : {}) });
    out.push(...page.items);
    continuation = page.continuation;
  } while (continuation);
  return out;
}

export async function deadLettersCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'list' && sub !== 'replay') {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  applyLocalSettings();
  const cs = loadConfig().storage.connectionString;
  if (!cs) throw new Error('setting AzureWebJobsStorage: a connection string is needed to read dead letters');
  const store = new TableDeadLetterStore(cs);
  let letters: DeadLetter[];
  try {
    letters = await all(store);
  } catch (err) {
    process.stderr.write(`cannot read dead letters from storage (${(err as Error).message}); is the host (npm start) or Azurite running?\n`);
    return 1;
  }
  if (sub === 'list') {
    const top = Number(option(rest, 'top') ?? 50);
    const shown = letters.slice(-top);
    if (rest.includes('--json')) process.stdout.write(shown.map((l) => JSON.stringify(l)).join('\n') + (shown.length ? '\n' : ''));
    else for (const l of shown) process.stdout.write(`${l.at}  ${l.stage.padEnd(10)} ${(l.source ?? '-').padEnd(10)} ${(l.eventId ?? '-').padEnd(24)} ${l.reason}\n  id: ${l.id}\n`);
    process.stderr.write(`${letters.length} dead letter(s)${letters.length > shown.length ? `, newest ${shown.length} shown` : ''}\n`);
    return 0;
  }
  const ids = rest.flatMap((a, i) => (rest[i - 1] === '--id' ? [a] : []));
  const chosen = rest.includes('--all') ? letters : letters.filter((l) => ids.includes(l.id));
  if (chosen.length === 0) {
    process.stderr.write(rest.includes('--all') ? 'no dead letters\n' : `name dead letters with --id (see \`meshgraph deadletters list\`) or use --all\n`);
    return rest.includes('--all') ? 0 : 2;
  }
  const skipped = chosen.filter((l) => !replayable(l));
  const sending = chosen.filter(replayable);
  const url = (option(rest, 'url') ?? 'http://localhost:7071').replace(/\/+$/, '');
  let accepted = 0;
  const stillRejected: string[] = [];
  for (let i = 0; i < sending.length; i += 500) {
    const part = sending.slice(i, i + 500);
    const res = await fetch(`${url}/api/events`, { method: 'POST', headers: { 'content-type': 'application/cloudevents-batch+json' }, body: JSON.stringify(part.map((l) => l.payload)) });
    if (res.status !== 202) {
      process.stderr.write(`the host answered ${res.status}: ${await res.text()}\n`);
      return 1;
    }
    const body = (await res.json()) as { accepted: number; rejected: Array<{ index: number; reason: string }> };
    const rejectedIdx = new Set(body.rejected.map((r) => r.index));
    body.rejected.forEach((r) => stillRejected.push(`${part[r.index]?.eventId ?? '?'}: ${r.reason}`));
    // The accepted ones are no longer dead; rejected ones were dead-lettered again by the host.
    await store.remove(part.map((l) => l.id));
    accepted += part.length - rejectedIdx.size;
  }
  process.stdout.write(`replayed ${sending.length}: ${accepted} accepted, ${stillRejected.length} rejected again${skipped.length ? `; ${skipped.length} skipped (stage actor/projection: fix the cause and re-send from the source)` : ''}\n`);
  for (const line of stillRejected.slice(0, 10)) process.stdout.write(`  ${line}\n`);
  return stillRejected.length > 0 ? 1 : 0;
}
