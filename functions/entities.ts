// The durable entities of the hot app: node (one per graph node) and router (fan-out of batches).
import { config } from '../core/config';
import { registerNodeEntity } from '../actors/node/entity';
import { registerRouterEntity } from '../actors/router/entity';
import { newDeadLetterId } from '../adapters/deadletter/table';
import { dataProduct } from './shared/product';
import { deadLetters } from './shared/services';
import { project } from './shared/projections';

registerRouterEntity();
registerNodeEntity({ dataProduct, deadLetters, project, newDeadLetterId, history: config().history });
