// The durable entities of the hot app: node (one per graph node), router (fan-out of ingest
// batches), bucket (edges of high-degree nodes), wait (one per `?wait=true` request) and
// projections (nodes whose document is still to be written).
import { config } from '../core/config';
import { registerNodeEntity } from '../actors/node/entity';
import { registerRouterEntity } from '../actors/router/entity';
import { registerBucketEntity } from '../actors/bucket/entity';
import { registerWaitEntity } from '../actors/wait/entity';
import { registerPendingEntity } from '../actors/projections/entity';
import { newDeadLetterId } from '../adapters/deadletter/rows';
import { dataProduct } from './shared/product';
import { deadLetters } from './shared/services';
import { project } from './shared/projections';

registerRouterEntity();
registerBucketEntity();
registerWaitEntity();
registerPendingEntity();
registerNodeEntity({ dataProduct, deadLetters, project, newDeadLetterId, history: config().history });
