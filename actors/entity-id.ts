// An entity to signal from an entity operation: what `context.df.signalEntity` takes, made without
// loading durable-functions (its EntityId is a name and a key; the signal carries them as JSON).
import type { EntityId } from 'durable-functions';

export const entityId = (name: string, key: string): EntityId => ({ name, key }) as EntityId;
