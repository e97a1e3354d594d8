import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileDataProduct } from '../../../../core/contracts';
import type { EsProperty } from '../../../../core/contracts';
import { library } from './fixtures';

// Field data types from the Elasticsearch 8/9 reference ("Field data types").
const ELASTICSEARCH_FIELD_TYPES = new Set([
  'aggregate_metric_double', 'alias', 'binary', 'boolean', 'byte', 'completion', 'constant_keyword', 'date', 'date_nanos',
  'date_range', 'dense_vector', 'double', 'double_range', 'flattened', 'float', 'float_range', 'geo_point', 'geo_shape',
  'half_float', 'histogram', 'integer', 'integer_range', 'ip', 'ip_range', 'join', 'keyword', 'long', 'long_range',
  'match_only_text', 'nested', 'object', 'percolator', 'point', 'rank_feature', 'rank_features', 'scaled_float',
  'search_as_you_type', 'semantic_text', 'shape', 'short', 'sparse_vector', 'text', 'token_count', 'unsigned_long',
  'version', 'wildcard',
]);
const PROPERTY_KEYS = new Set(['type', 'fields', 'properties', 'ignore_above', 'format']);

/** Every problem in a mapping's properties, with the path of the property. */
function mappingProblems(properties: Record<string, EsProperty>, at = ''): string[] {
  return Object.entries(properties).flatMap(([name, prop]) => {
    const path = at + name;
    const problems = Object.keys(prop).filter((k) => !PROPERTY_KEYS.has(k)).map((k) => `${path}: unknown parameter ${k}`);
    if (!ELASTICSEARCH_FIELD_TYPES.has(String(prop['type']))) problems.push(`${path}: unknown field type ${String(prop['type'])}`);
    const children = [prop['properties'], prop['fields']].filter(Boolean) as Record<string, EsProperty>[];
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
    assert.deepEqual(book?.index_patterns, ['meshgraph-book-*']);
    assert.equal(book?.template.mappings._meta['contractVersion'], compiled.version);
  });

  it('maps kinds, with a keyword subfield for sortable text only', () => {
    const p = book?.template.mappings.properties ?? {};
    assert.deepEqual(p['id'], { type: 'keyword' });
    assert.deepEqual(p['title'], { type: 'text' });
    assert.deepEqual(author?.template.mappings.properties['name'], { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } });
    assert.equal(p['genre']?.['type'], 'keyword');
    assert.equal(p['price']?.['type'], 'double');
    assert.equal(p['pages']?.['type'], 'long');
    assert.equal(p['inPrint']?.['type'], 'boolean');
    assert.equal(p['published']?.['type'], 'date');
    assert.equal(p['tags']?.['type'], 'keyword');
    assert.deepEqual(p['author'], { type: 'keyword' }, 'edge ids are keywords');
  });

  it('maps denormalized neighbours as nested when there can be many, object when one', () => {
    assert.deepEqual(author?.template.mappings.properties['bookTitles'], {
      type: 'nested',
      properties: { id: { type: 'keyword' }, title: { type: 'text' } },
    });
    const oneHop = compileDataProduct(library({ types: [library().types[0]!, { ...library().types[1]!, denormalized: { writer: { via: ['author'], fields: ['country'] } } }] }));
    assert.equal(oneHop.esMappings['Book']?.template.mappings.properties['writer']?.['type'], 'object');
  });
});
