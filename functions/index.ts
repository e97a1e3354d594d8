// Entry of the hot function app (dist/hot): ingest, GraphQL, health, the projection retry timer and
// the entities.
import { config } from '../core/config';
import './health';
import './ingest';
import './ingest-trigger';
import './projection-retry';
import './graphql';
import './graphiql-assets';
import './entities';

config(); // fail at start, naming the setting, rather than deep in a handler
