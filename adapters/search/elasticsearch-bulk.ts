// `_bulk` with external versions, item by item: 409 means the index already holds that version
// or a newer one (stale, not an error); 429 and 5xx items are sent again with exponential backoff
// and full jitter; anything else (400 mapping errors, a missing alias) fails without retry, with
// Elasticsearch's reason so the caller can dead-letter it.
import type { Client, estypes } from '@elastic/elasticsearch';
import { errors } from '@elastic/elasticsearch';
import { errorMessage } from '../../core/errors';
import type { BulkResult, ProjectionDoc } from '../../core/projection/port';
import { sizeProblem } from '../../core/projection/document';
import { DELETED_FIELD, ID_FIELD } from './elasticsearch-dsl';

export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 100, maxDelayMs: 5_000 };

export interface BulkTarget {
  doc: ProjectionDoc;
  /** An alias (`require_alias`, so a missing one never auto-creates an index) or an index. */
  index: string;
  isAlias: boolean;
}

const retryableStatus = (status: number | undefined): boolean => status === 429 || (status !== undefined && status >= 500);

/** Full jitter: a random delay up to the exponential bound, so retrying writers spread out. */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt));
}

function operations(targets: readonly BulkTarget[]): estypes.BulkRequest['operations'] {
  return targets.flatMap(({ doc, index, isAlias }) => {
    const action: estypes.BulkOperationContainer = {
      index: { _index: index, _id: doc.id, version: doc.version, version_type: 'external', ...(isAlias ? { require_alias: true } : {}) },
    };
    const source = doc.deleted ? { [ID_FIELD]: doc.id, [DELETED_FIELD]: true } : { ...doc.body, [ID_FIELD]: doc.id, [DELETED_FIELD]: false };
    return [action, source];
  });
}

function reasonOf(item: estypes.BulkResponseItem): string {
  const cause = item.error;
  return cause ? `${cause.type}: ${cause.reason ?? ''}`.trim() : `status ${item.status}`;
}

export interface BulkDeps {
  client: Client;
  retry: RetryPolicy;
  refresh: boolean;
  sleep: (ms: number) => Promise<void>;
}

export async function bulkWrite(deps: BulkDeps, targets: readonly BulkTarget[]): Promise<BulkResult> {
  const result: BulkResult = { written: 0, stale: 0, failed: [] };
  let pending: BulkTarget[] = [];
  for (const target of targets) {
    // Tombstones carry no body; every other document is checked against the size limit here,
    // so both stores refuse the same documents.
    const problem = target.doc.deleted ? undefined : sizeProblem(JSON.stringify(target.doc.body));
    if (problem) result.failed.push({ id: target.doc.id, retryable: false, reason: problem });
    else pending.push(target);
  }
  let lastReason = '';
  for (let attempt = 0; pending.length > 0 && attempt < deps.retry.attempts; attempt++) {
    if (attempt > 0) await deps.sleep(backoffDelay(deps.retry, attempt - 1));
    let response: estypes.BulkResponse;
    try {
      response = await deps.client.bulk({ operations: operations(pending), ...(deps.refresh ? { refresh: true } : {}) });
    } catch (err) {
      const status = err instanceof errors.ResponseError ? err.statusCode : undefined;
      lastReason = `bulk request failed: ${errorMessage(err)}`;
      const transient = status === undefined ? err instanceof errors.ConnectionError || err instanceof errors.TimeoutError : retryableStatus(status);
      if (transient) continue;
      result.failed.push(...pending.map((t) => ({ id: t.doc.id, retryable: false, reason: lastReason })));
      return result;
    }
    const again: BulkTarget[] = [];
    response.items.forEach((entry, i) => {
      const item = Object.values(entry)[0] as estypes.BulkResponseItem;
      const target = pending[i]!;
      if (item.status >= 200 && item.status < 300) result.written++;
      else if (item.status === 409) result.stale++;
      else if (retryableStatus(item.status)) {
        lastReason = reasonOf(item);
        again.push(target);
      } else result.failed.push({ id: target.doc.id, retryable: false, reason: reasonOf(item) });
    });
    pending = again;
  }
  // Still refused after every attempt: the caller keeps these dirty and projects them later.
  result.failed.push(...pending.map((t) => ({ id: t.doc.id, retryable: true, reason: `${lastReason} (after ${deps.retry.attempts} attempts)` })));
  return result;
}
