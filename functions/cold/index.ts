// Entry of the cold function app (dist/cold): rarely used queries, scale-to-zero.
import { config } from '../../core/config';
import './health';
import './node';
import './subgraph';
import './history';
import './lineage';
import './export';
import './admin-reindex';

config(); // fail at start, naming the setting
