// Entry of the hot function app (dist/hot): ingest, GraphQL, health, and the node entities.
import { config } from '../core/config';
config(); // fail at start, naming the setting, rather than deep in a handler
import './health';
