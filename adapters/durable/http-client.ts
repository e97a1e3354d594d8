// A small durable client over the Durable Functions HTTP API (the entities part), with plain
// fetch: what the cold app uses instead of durable-functions' client (axios, moment, validator:
// ~500 KB a cold start would load for two GET requests).
export interface DurableClientBinding {
  rpcBaseUrl?: string;
  baseUrl?: string;
  requiredQueryStringParameters?: string;
}

export interface ListedEntity<T> {
  key: string;
  lastOperationTime: string;
  state: T | undefined;
}

export interface EntityPage<T> {
  entities: Array<ListedEntity<T>>;
  /** Pass to the next `list` call; absent on the last page. */
  continuation?: string;
}

export class EntityReader {
  private readonly base: string;
  private readonly query: string;

  constructor(binding: DurableClientBinding) {
    const base = binding.rpcBaseUrl ?? (binding.baseUrl ? `${binding.baseUrl.replace(/\/+$/, '')}/` : undefined);
    if (!base) throw new Error('the durable client binding carries no base URL');
    this.base = base;
    this.query = binding.rpcBaseUrl ? '' : (binding.requiredQueryStringParameters ?? '');
  }

  private url(path: string, params: Record<string, string> = {}): string {
    const search = new URLSearchParams(params).toString();
    const parts = [this.query, search].filter((p) => p !== '').join('&');
    return `${this.base}${path}${parts ? `?${parts}` : ''}`;
  }

  /** The entity's state, or undefined when it does not exist. */
  async read<T>(name: string, key: string): Promise<T | undefined> {
    const res = await fetch(this.url(`entities/${encodeURIComponent(name)}/${key.split('/').map(encodeURIComponent).join('/')}`));
    if (res.status === 404) return undefined;
    if (!res.ok) throw new Error(`reading entity @${name}@${key} failed: ${res.status}`);
    return (await res.json()) as T;
  }

  /** One page of entities of `name` with their state; pass the returned token for the next. */
  async list<T>(name: string, top: number, continuation?: string): Promise<EntityPage<T>> {
    const res = await fetch(this.url(`entities/${encodeURIComponent(name)}`, { fetchState: 'true', top: String(top) }), { headers: continuation ? { 'x-ms-continuation-token': continuation } : {} });
    if (!res.ok) throw new Error(`listing entities ${name} failed: ${res.status}`);
    const body = (await res.json()) as Array<{ entityId: { key: string }; lastOperationTime: string; state?: T }>;
    const token = res.headers.get('x-ms-continuation-token');
    return { entities: body.map((e) => ({ key: e.entityId.key, lastOperationTime: e.lastOperationTime, state: e.state })), ...(token ? { continuation: token } : {}) };
  }
}
