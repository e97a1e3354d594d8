// `meshgraph reindex [--type T] [--url URL]`: asks a running host's cold app to rebuild the search
// index from the actors (POST /api/admin/reindex) as a local admin, and prints what it did.
import { principalHeader } from '../core/auth/principal';
import { ADMIN_ROLE } from '../core/auth/roles';
import { option } from './args';

export async function reindexCommand(args: string[]): Promise<number> {
  const opt = (name: string) => option(args, name);
  const url = (opt('url') ?? 'http://localhost:7071').replace(/\/+$/, '');
  const type = opt('type');
  process.stderr.write(`reindexing ${type ?? 'every node type'} through ${url} …\n`);
  let res: Response;
  try {
    res = await fetch(`${url}/api/admin/reindex${type ? `?type=${encodeURIComponent(type)}` : ''}`, { method: 'POST', headers: { 'x-ms-client-principal': principalHeader([ADMIN_ROLE], 'meshgraph-cli') } });
  } catch (err) {
    process.stderr.write(`cannot reach ${url} (${(err as Error).message}); is the host running (npm start)?\n`);
    return 1;
  }
  const body = (await res.json()) as { reindexed?: Array<{ type: string; index: string; documents: number; caughtUp: number; ms: number; deleted?: string[] }>; detail?: string };
  if (res.status !== 200 || !body.reindexed) {
    process.stderr.write(`reindex failed: ${res.status} ${body.detail ?? ''}\n`);
    return 1;
  }
  for (const r of body.reindexed) process.stdout.write(`${r.type.padEnd(16)} ${String(r.documents).padStart(8)} documents -> ${r.index} (${r.caughtUp} caught up) in ${(r.ms / 1000).toFixed(1)} s${r.deleted?.length ? `; deleted ${r.deleted.join(', ')}` : ''}\n`);
  return 0;
}
