// Entry of the cold function app (dist/cold): rarely used queries, scale-to-zero.
import { config } from '../../core/config';
config();
import './health';
