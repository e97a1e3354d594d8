import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileDataProduct, reindexNeeds } from '../../../../core/contracts';
import type { EsProperty } from '../../../../core/contracts';
import { mappingsOf } from '../../../../adapters/search/elasticsearch-dsl';
import { indexSpecOf } from '../../../../core/contracts/index-spec';
import { library } from './fixtures';

// Field data types from the Elasticsearch 8/9 reference ("Field data types").
const ELASTICSEARCH_FIELD_TYPES = new Set([
  'aggregate_metric_double',
  'alias',
  'binary',
  'boolean',
  'byte',
  'completion',
  'constant_keyword',
  'date',
  'date_nanos',
  'date_range',
  'dense_vector',
  'double',
  'double_range',
  'flattened',
  'float',
  'float_range',
  'geo_point',
  'geo_shape',
  'half_float',
  'histogram',
  'integer',
  'integer_range',
  'ip',
  'ip_range',
  'join',
  'keyword',
  'long',
  'long_range',
  'match_only_text',
  'nested',
  'object',
  'percolator',
  'point',
  'rank_feature',
  'rank_features',
  'scaled_float',
  'search_as_you_type',
  'semantic_text',
  'shape',
  'short',
  'sparse_vector',
  'text',
  'token_count',
  'unsigned_long',
  'version',
  'wildcard',
]);
const PROPERTY_KEYS = new Set(['type', 'fields', 'properties', 'ignore_above', 'format']);

/** Every problem in a mapping's properties, with the path of the property. */
function mappingProblems(properties: Record<string, EsProperty>, at = ''): string[] {
  return Object.entries(properties).flatMap(([name, prop]) => {
    const path = at + name;
    const problems = Object.keys(prop)
      .filter((k) => !PROPERTY_KEYS.has(k))
      .map((k) => `${path}: unknown parameter ${k}`);
    if (!ELASTICSEARCH_FIELD_TYPES.has(String(prop['type']))) problems.push(`${path}: unknown field type ${String(prop['type'])}`);
    const nested = prop as { properties?: Record<string, EsProperty>; fields?: Record<string, EsProperty> };
    const children = [nested.properties, nested.fields].filter((c) => c !== undefined);
    return [...problems, ...children.flatMap((c) => mappingProblems(c, `${path}.`))];
  });
}

describe('Elasticsearch compiler', () => {
  const compiled = compileDataProduct(library());
  const author = compiled.esMappings['Author'];
  const book = compiled.esMappings['Book'];

  it('emits one strict index template per node type with only valid field types', () => {
    assert.deepEqual(Object.keys(compiled.esMappings), ['Author', 'Book']);
    for (const template of Object.values(compiled.esMappings)) {
      assert.equal(template.template.mappings.dynamic, 'strict');
      assert.deepEqual(mappingProblems(template.template.mappings.properties), []);
    }
    assert.deepEqual(book?.index_patterns, ['meshgraph-book_v*'], 'the names the store gives index versions');
    assert.equal(book?.template.mappings._meta['contractVersion'], compiled.version);
  });

  it('maps kinds; text gets a keyword sub-field to filter, sort and count on', () => {
    const p = book?.template.mappings.properties ?? {};
    assert.deepEqual(p['id'], { type: 'keyword', ignore_above: 8191 });
    assert.deepEqual(p['title'], { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 1024 } } });
    assert.deepEqual(author?.template.mappings.properties['name'], { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 1024 } } });
    assert.equal(p['genre']?.['type'], 'keyword');
    assert.equal(p['price']?.['type'], 'double');
    assert.equal(p['pages']?.['type'], 'long');
    assert.equal(p['inPrint']?.['type'], 'boolean');
    assert.equal(p['published']?.['type'], 'date');
    assert.equal(p['tags']?.['type'], 'keyword');
    assert.deepEqual(p['author'], { type: 'keyword', ignore_above: 8191 }, 'edge ids are keywords');
    assert.deepEqual(p['mesh_id'], { type: 'keyword' });
    assert.deepEqual(p['mesh_deleted'], { type: 'boolean' });
  });

  it('maps denormalized neighbours as objects, many or one: each condition means "some neighbour", as in SQLite', () => {
    assert.deepEqual(author?.template.mappings.properties['bookTitles'], {
      type: 'object',
      properties: { id: { type: 'keyword', ignore_above: 8191 }, title: { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 1024 } } } },
    });
    const oneHop = compileDataProduct(
      library({ types: [library().types[0]!, { ...library().types[1]!, denormalized: { writer: { via: ['author'], fields: ['country'] } } }] }),
    );
    assert.equal(oneHop.esMappings['Book']?.template.mappings.properties['writer']?.['type'], 'object');
  });

  it('is the mapping the Elasticsearch store creates, and matches the index names it creates', () => {
    for (const node of Object.values(compiled.model.types)) {
      const template = compiled.esMappings[node.name]!;
      const created = mappingsOf(indexSpecOf(node, 7));
      assert.deepEqual(template.template.mappings.properties, created.properties);
      assert.equal(template.template.mappings.dynamic, created.dynamic);
      assert.deepEqual(template.template.settings, { number_of_shards: 1, refresh_interval: '1s' });
      const pattern = new RegExp(`^${template.index_patterns[0]!.replace('*', '.*')}$`);
      assert.match(`meshgraph-${node.name.toLowerCase()}_v7`, pattern);
    }
  });
});

describe('reindexNeeds', () => {
  const base = compileDataProduct(library()).model;

  it('is empty when nothing the index reads changed', () => {
    assert.deepEqual(reindexNeeds(base, compileDataProduct(library()).model), []);
  });

  it('names each type whose mapping changed and how; a new type needs none', () => {
    const next = JSON.parse(JSON.stringify(base));
    next.types.Author.fields.country.facet = false;
    next.types.Book.fields.isbn13 = { ...next.types.Book.fields.pages, name: 'isbn13' };
    next.types.Extra = { ...next.types.Book, name: 'Extra' };
    assert.deepEqual(reindexNeeds(base, next), [
      { type: 'Author', differences: ['country: facet removed'] },
      { type: 'Book', differences: ['isbn13: added'] },
    ]);
  });
});
