// The dead-letter table over the Table service REST API with plain fetch, for the cold app's
// admin endpoints: @azure/data-tables would add 220 KB to a bundle that must stay small, and
// listing, writing and deleting rows are one signed request each (Shared Key Lite with a
// connection string, a bearer token from the app's identity otherwise).
import { createHmac } from 'node:crypto';
import type { DeadLetter, DeadLetterPage, DeadLetterStore } from '../../core/ports/dead-letters';
import { DEAD_LETTER_TABLE, keysOf, letterOf, rowOf } from './rows';

/** Azurite's well-known development account. */
const DEV_ACCOUNT = 'devstoreaccount1';
const DEV_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface TableAccount {
  /** The table endpoint, without a trailing slash (path-style for Azurite). */
  url: string;
  account: string;
  /** Shared key (base64), or a source of bearer tokens for an identity. */
  key?: string;
  token?: () => Promise<string>;
}

/** The table endpoint and key a storage connection string names. */
export function tableAccountOf(connectionString: string): TableAccount {
  const parts = Object.fromEntries(
    connectionString
      .split(';')
      .filter((p) => p.includes('='))
      .map((p) => [p.slice(0, p.indexOf('=')).trim(), p.slice(p.indexOf('=') + 1).trim()]),
  );
  if (parts.UseDevelopmentStorage === 'true') return { url: `http://127.0.0.1:10002/${DEV_ACCOUNT}`, account: DEV_ACCOUNT, key: DEV_KEY };
  const account = parts.AccountName;
  if (!account || !parts.AccountKey) throw new Error('the storage connection string names no AccountName and AccountKey');
  const url = parts.TableEndpoint ?? `${parts.DefaultEndpointsProtocol ?? 'https'}://${account}.table.${parts.EndpointSuffix ?? 'core.windows.net'}`;
  return { url: url.replace(/\/+$/, ''), account, key: parts.AccountKey };
}

const quote = (key: string) => encodeURIComponent(`'${key.replace(/'/g, "''")}'`);

export class RestDeadLetterStore implements DeadLetterStore {
  private ready: Promise<void> | undefined;

  constructor(
    private readonly target: TableAccount,
    private readonly table = DEAD_LETTER_TABLE,
  ) {}

  private async request(
    method: string,
    path: string,
    init: { query?: Record<string, string>; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const url = new URL(`${this.target.url}/${path}`);
    for (const [k, v] of Object.entries(init.query ?? {})) url.searchParams.set(k, v);
    const date = new Date().toUTCString();
    const headers: Record<string, string> = {
      'x-ms-date': date,
      'x-ms-version': '2019-02-02',
      accept: 'application/json;odata=nometadata',
      dataserviceversion: '3.0',
      ...init.headers,
    };
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    if (this.target.key) {
      const signature = createHmac('sha256', Buffer.from(this.target.key, 'base64'))
        .update(`${date}\n/${this.target.account}${url.pathname}`, 'utf8')
        .digest('base64');
      headers.authorization = `SharedKeyLite ${this.target.account}:${signature}`;
    } else if (this.target.token) headers.authorization = `Bearer ${await this.target.token()}`;
    return fetch(url, { method, headers, ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}) });
  }

  private async check(res: Response, what: string, allowed: number[] = []): Promise<Response> {
    if (res.ok || allowed.includes(res.status)) return res;
    throw new Error(`${what} failed: ${res.status} ${(await res.text()).slice(0, 300)}`);
  }

  /** Creates the table once per store (a 409 means it exists). */
  private init(): Promise<void> {
    return (this.ready ??= this.request('POST', 'Tables', { body: { TableName: this.table } }).then((r) =>
      this.check(r, `creating table ${this.table}`, [409]).then(() => undefined),
    ));
  }

  async put(letters: DeadLetter[]): Promise<void> {
    await this.init();
    for (const l of letters) {
      const { partitionKey, rowKey, ...props } = rowOf(l);
      await this.check(
        await this.request('PUT', `${this.table}(PartitionKey=${quote(partitionKey)},RowKey=${quote(rowKey)})`, { body: props }),
        `writing dead letter ${l.id}`,
      );
    }
  }

  async list({ top = 100, continuation }: { top?: number; continuation?: string } = {}): Promise<DeadLetterPage> {
    await this.init();
    const next = continuation ? (JSON.parse(Buffer.from(continuation, 'base64url').toString('utf8')) as { pk: string; rk?: string }) : undefined;
    const res = await this.check(
      await this.request('GET', `${this.table}()`, {
        query: { $top: String(top), ...(next ? { NextPartitionKey: next.pk, ...(next.rk ? { NextRowKey: next.rk } : {}) } : {}) },
      }),
      'listing dead letters',
    );
    const rows = ((await res.json()) as { value: Array<Record<string, unknown>> }).value;
    const pk = res.headers.get('x-ms-continuation-nextpartitionkey');
    const rk = res.headers.get('x-ms-continuation-nextrowkey');
    return {
      items: rows.map((r) => letterOf(String(r.PartitionKey), String(r.RowKey), r)),
      ...(pk ? { continuation: Buffer.from(JSON.stringify({ pk, ...(rk ? { rk } : {}) })).toString('base64url') } : {}),
    };
  }

  async remove(ids: string[]): Promise<void> {
    await this.init();
    for (const id of ids) {
      const { partitionKey, rowKey } = keysOf(id);
      await this.check(
        await this.request('DELETE', `${this.table}(PartitionKey=${quote(partitionKey)},RowKey=${quote(rowKey)})`, { headers: { 'if-match': '*' } }),
        `deleting dead letter ${id}`,
        [404],
      );
    }
  }
}
