// Entry of the cold function app (dist/cold): rarely used queries, scale-to-zero.
import { app } from '@azure/functions';
import { config } from '../../core/config';
import './health';
import './node';
import './subgraph';
import './history';
import './lineage';
import './export';
import './admin-reindex';
import './admin-deadletters';
import './admin-deadletters-replay';

config(); // fail at start, naming the setting
// Responses leave as they are written (the export streams NDJSON) instead of being buffered whole.
app.setup({ enableHttpStream: true });
