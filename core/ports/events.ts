// The EventPublisher port: where accepted events go before the Event Hubs trigger applies them.
import type { CloudEvent } from '../contracts/changes';

export interface EventPublisher {
  readonly kind: string;
  /** Durable once resolved: the events will reach the trigger, even after a crash. */
  publish(events: CloudEvent[]): Promise<void>;
}
