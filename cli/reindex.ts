// `meshgraph reindex [--type T] [--url URL]`: asks a running host's cold app to rebuild the search
// index from the actors (POST /api/admin/reindex) as a local admin, and prints what it did.
import { principalHeader } from '../core/auth/principal';
import { ADMIN_ROLE } from '../core/auth/roles';
import type { CommandIO, Parsed } from './args';
import { REINDEX } from './commands';
import { checkHost, HostUnreachable, hostUrl } from './host-url';

interface Reindexed {
  type: string;
  index: string;
  documents: number;
  caughtUp: number;
  ms: number;
  deleted?: string[];
}

export async function reindexCommand({ values }: Parsed<typeof REINDEX>, io: CommandIO): Promise<number> {
  const host = hostUrl(values.url, REINDEX.name);
  await checkHost(host);
  io.err(`reindexing ${values.type ?? 'every node type'} through ${host.url} …\n`);
  let res: Response;
  try {
    res = await fetch(`${host.url}/api/admin/reindex${values.type ? `?type=${encodeURIComponent(values.type)}` : ''}`, {
      method: 'POST',
      headers: { 'x-ms-client-principal': principalHeader([ADMIN_ROLE], 'meshgraph-cli') },
    });
  } catch (err) {
    throw new HostUnreachable(host, (err as Error & { cause?: { code?: string } }).cause?.code ?? (err as Error).message);
  }
  const text = await res.text();
  let body: { reindexed?: Reindexed[]; detail?: string } = {};
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: reported with the status below
  }
  if (res.status !== 200 || !body.reindexed) {
    io.err(`reindex failed: ${res.status} ${body.detail ?? text.slice(0, 200)}\n`);
    return 1;
  }
  for (const r of body.reindexed)
    io.out(
      `${r.type.padEnd(16)} ${String(r.documents).padStart(8)} documents -> ${r.index} (${r.caughtUp} caught up) in ${(r.ms / 1000).toFixed(1)} s${r.deleted?.length ? `; deleted ${r.deleted.join(', ')}` : ''}\n`,
    );
  return 0;
}
