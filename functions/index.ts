// Entry of the hot function app (dist/hot): ingest, GraphQL, health, and the node entities.
import { config } from '../core/config';
import './health';
import './ingest';
import './ingest-trigger';
import './graphql';
import './graphiql-assets';
import './entities';

config(); // fail at start, naming the setting, rather than deep in a handler
