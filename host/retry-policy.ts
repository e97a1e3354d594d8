// The function-level retry policy of the Functions runtime, as it applies to an Event Hubs
// trigger ("Azure Functions error handling and retries"): a failed invocation is run again with
// the same batch, `fixedDelay` (delayInterval) or `exponentialBackoff` (minimumInterval growing
// to maximumInterval) apart, up to maxRetryCount retries (-1: no limit). Without a policy, or once
// the retries are spent, the runtime moves on: the batch is checkpointed and its events are not
// delivered again. A host that stops does not checkpoint a batch it is still retrying.
import type { HostedFunction, LogSink } from './worker/app';

export interface RetryPolicy {
  strategy: 'fixedDelay' | 'exponentialBackoff';
  /** Retries after the first attempt; -1 for no limit. */
  maxRetryCount: number;
  delayMs: number;
  minimumMs: number;
  maximumMs: number;
}

interface RpcDuration {
  seconds?: number | string;
}

const ms = (d: RpcDuration | undefined): number => Number(d?.seconds ?? 0) * 1000;

/** The policy a function declared (`retry` of app.eventHub), as the worker reports it to the host. */
export function retryPolicyOf(fn: HostedFunction): RetryPolicy | undefined {
  const options = fn.registration.metadata['retryOptions'] as
    | {
        retryStrategy?: string;
        strategy?: string;
        maxRetryCount?: number;
        delayInterval?: RpcDuration;
        minimumInterval?: RpcDuration;
        maximumInterval?: RpcDuration;
      }
    | undefined;
  if (!options) return undefined;
  const strategy = options.retryStrategy ?? options.strategy;
  if (strategy !== 'fixedDelay' && strategy !== 'exponentialBackoff') throw new Error(`function ${fn.name}: unknown retry strategy ${String(strategy)}`);
  return {
    strategy,
    maxRetryCount: Number(options.maxRetryCount ?? 0),
    delayMs: ms(options.delayInterval),
    minimumMs: ms(options.minimumInterval),
    maximumMs: ms(options.maximumInterval),
  };
}

/** The pause before retry number `retry` (1, 2, ...): exponential with a little jitter, as the runtime staggers it. */
export function retryDelayMs(policy: RetryPolicy, retry: number): number {
  if (policy.strategy === 'fixedDelay') return policy.delayMs;
  const grown = policy.minimumMs * 2 ** Math.min(retry - 1, 30);
  const jitter = 0.8 + Math.random() * 0.4;
  return Math.min(policy.maximumMs, Math.round(grown * jitter));
}

export interface Delivery {
  /** The invocation ran (at last) without error. */
  succeeded: boolean;
  /** The host is stopping: leave the batch uncheckpointed, to be delivered again at the next start. */
  stopped: boolean;
  attempts: number;
}

/**
 * Runs `attempt` (one invocation, told its retry context) under the function's policy. The caller
 * checkpoints when the result is not `stopped`, whether the invocation succeeded or not.
 */
export async function deliverWithPolicy(
  fn: HostedFunction,
  what: string,
  attempt: (retry: { retryCount: number; maxRetryCount: number }) => Promise<void>,
  options: { log: LogSink; pause: (ms: number) => Promise<void>; stopping: () => boolean },
): Promise<Delivery> {
  const policy = retryPolicyOf(fn);
  const say = (level: string, message: string) => options.log({ level, category: 'host', fn: fn.name, invocationId: '', message });
  for (let retry = 0; ; retry++) {
    try {
      await attempt({ retryCount: retry, maxRetryCount: policy?.maxRetryCount ?? 0 });
      return { succeeded: true, stopped: false, attempts: retry + 1 };
    } catch (err) {
      const reason = err instanceof Error ? (err.stack ?? err.message) : String(err);
      const spent = !policy || (policy.maxRetryCount >= 0 && retry >= policy.maxRetryCount);
      if (spent) {
        say(
          'error',
          `${what} failed${policy ? ` after ${retry} retries (the retry policy's maxRetryCount)` : ' and the function declares no retry policy'}: it is checkpointed and its events are not delivered again: ${reason}`,
        );
        return { succeeded: false, stopped: false, attempts: retry + 1 };
      }
      say('error', `${what} failed (attempt ${retry + 1}); retrying under the function's ${policy.strategy} policy: ${reason}`);
      if (options.stopping()) return { succeeded: false, stopped: true, attempts: retry + 1 };
      await options.pause(retryDelayMs(policy, retry + 1));
      if (options.stopping()) return { succeeded: false, stopped: true, attempts: retry + 1 };
    }
  }
}
