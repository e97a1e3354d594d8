// The shared ProjectionStore conformance suite against a real Elasticsearch cluster:
//   ELASTICSEARCH_URL=http://localhost:9200 [ELASTICSEARCH_API_KEY=...] npm run test:es
// Without ELASTICSEARCH_URL the suite is skipped, saying why. Each case creates and deletes its
// own indexes (meshgraph-person<pid>x...), so any cluster you may write to will do.
import { describe, it } from 'node:test';
import { ElasticsearchProjectionStore } from '../../adapters/search/elasticsearch';
import { runProjectionStoreConformance } from '../conformance/projection-store';

const url = process.env.ELASTICSEARCH_URL?.trim();
const apiKey = process.env.ELASTICSEARCH_API_KEY?.trim();

if (url) {
  // refresh: each bulk is searchable when it returns, as the suite reads right after writing.
  runProjectionStoreConformance(`elasticsearch at ${url}`, async () => new ElasticsearchProjectionStore({ url, ...(apiKey ? { apiKey } : {}), refresh: true }));
} else {
  describe('ProjectionStore conformance: elasticsearch', () => {
    it('runs against a real cluster', { skip: 'ELASTICSEARCH_URL is not set: run ELASTICSEARCH_URL=http://host:9200 npm run test:es' }, () => {});
  });
}
