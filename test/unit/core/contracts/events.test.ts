import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Ajv2020 from 'ajv/dist/2020';
import { compileDataProduct } from '../../../../core/contracts';
import type { CloudEvent, EventVerdict } from '../../../../core/contracts';
import { library } from './fixtures';

const compiled = compileDataProduct(library());
const event = (fields: Partial<CloudEvent> & Record<string, unknown>): CloudEvent => ({ specversion: '1.0', id: 'e1', source: 'shop', type: 'x', ...fields });
const reasonsOf = (verdict: EventVerdict) => (verdict.ok ? [] : verdict.reasons);

describe('JSON Schemas', () => {
  it('has a schema per canonical upsert, edge owner, delete and source record, each compiling alone under strict ajv', () => {
    assert.deepEqual(Object.keys(compiled.jsonSchemas).sort(), [
      'cloudevent',
      'cms.author.row',
      'meshgraph.edge.Author',
      'meshgraph.edge.Book',
      'meshgraph.node.delete',
      'meshgraph.node.upsert.Author',
      'meshgraph.node.upsert.Book',
      'shop.book.row',
    ]);
    for (const [name, schema] of Object.entries(compiled.jsonSchemas)) {
      const ajv = new Ajv2020({ strict: true, allowUnionTypes: true });
      assert.doesNotThrow(() => ajv.compile(schema), name);
      assert.equal(schema['$schema'], 'https://json-schema.org/draft/2020-12/schema');
    }
  });

  const validate = compiled.validators.validateEvent;
  const upsert = (data: unknown, more: Partial<CloudEvent> = {}) =>
    validate(event({ type: 'meshgraph.node.upsert', subject: 'Book/b1', data, sequence: 3, ...more }));

  it("takes a node's int only within GraphQL's Int (32 bits)", () => {
    assert.equal(upsert({ pages: 2 ** 31 - 1 }).ok, true);
    assert.match(reasonsOf(upsert({ pages: 2 ** 31 })).join(' '), /pages/);
    assert.match(reasonsOf(upsert({ pages: -(2 ** 31) - 1 })).join(' '), /pages/);
    // A source record's int (a row version) may be any integer.
    assert.deepEqual(reasonsOf(validate(event({ type: 'cms.author.row', source: 'cms', data: { ID: 'a1', Rev: 2 ** 40 }, sequence: 1 }))), []);
  });

  it('accepts a partial upsert with typed values and nulls', () => {
    const verdict = upsert({ title: 'Dune', price: 9.5, pages: 412, inPrint: true, published: '1965-08-01T00:00:00Z', tags: ['sf'], genre: null });
    assert.ok(verdict.ok && verdict.kind === 'canonical', JSON.stringify(verdict));
    assert.deepEqual(verdict.change, {
      op: 'upsert',
      type: 'Book',
      id: 'b1',
      fields: { title: 'Dune', price: 9.5, pages: 412, inPrint: true, published: '1965-08-01T00:00:00Z', tags: ['sf'], genre: null },
    });
  });

  it('rejects unknown fields and wrong types, naming the field', () => {
    assert.deepEqual(reasonsOf(upsert({ isbn: 'x' })), ['data: unknown field "isbn"']);
    assert.deepEqual(reasonsOf(upsert({ pages: 1.5, genre: 'poem' })), [
      'data.genre: must be one of "novel", "essay", null',
      'data.pages: must be integer or null',
    ]);
    assert.deepEqual(reasonsOf(upsert({ published: 'yesterday' })), [
      'data.published: must match pattern "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})$"',
    ]);
  });

  it('checks the envelope: specversion, id, sequence, subject', () => {
    assert.match(
      reasonsOf(validate({ specversion: '0.3', id: '', source: 'shop', type: 't' })).join('; '),
      /specversion.*; id: must NOT have fewer than 1 characters/,
    );
    assert.deepEqual(reasonsOf(upsert({}, { sequence: '12.5' })), ['sequence: must match pattern "^(0|[1-9][0-9]*)$"']);
    assert.deepEqual(reasonsOf(upsert({}, { sequence: -1 })), ['sequence: must be >= 0']);
    assert.ok(upsert({}, { sequence: '18446744073709551615' }).ok, 'a decimal string sequence beyond 2^53 is fine');
    assert.match(reasonsOf(upsert({}, { subject: 'Magazine/m1' })).join(), /unknown node type Magazine/);
    assert.match(reasonsOf(upsert({}, { subject: 'Book' })).join(), /subject: must be "<Type>\/<id>"/);
  });

  it('rejects a write by a source that does not own the field, with that reason', () => {
    assert.deepEqual(reasonsOf(validate(event({ source: 'cms', type: 'meshgraph.node.upsert', subject: 'Book/b1', data: { title: 'x' } }))), [
      'Book.title is owned by shop; cms may not write it',
    ]);
    assert.deepEqual(reasonsOf(validate(event({ source: 'cms', type: 'meshgraph.node.delete', subject: 'Book/b1' }))), [
      'Book nodes are owned by shop; cms may not delete them',
    ]);
  });

  it('checks links: known relation, the right target type, the owner', () => {
    const link = (subject: string, data: unknown, source = 'shop') => validate(event({ type: 'meshgraph.edge.link', subject, data, source }));
    const ok = link('Author/a1', { rel: 'books', to: 'Book/b1' });
    assert.ok(ok.ok && ok.kind === 'canonical');
    assert.deepEqual(ok.change, { op: 'link', type: 'Author', id: 'a1', rel: 'books', toType: 'Book', toId: 'b1' });
    assert.match(reasonsOf(link('Author/a1', { rel: 'books', to: 'Author/a2' })).join(), /data.to: must match pattern "\^\(Book\)/);
    assert.match(reasonsOf(link('Author/a1', { rel: 'friends', to: 'Book/b1' })).join(), /data.rel: must be one of "books"/);
    assert.deepEqual(reasonsOf(link('Book/b1', { rel: 'author', to: 'Author/a1' }, 'cms')), ['edge Book.author is owned by shop; cms may not link it']);
    assert.match(reasonsOf(validate(event({ type: 'meshgraph.node.delete', subject: 'Book/b1', data: {} }))).join(), /data: not allowed here/);
  });

  it('validates source-native records against their own shape and source', () => {
    const row = (data: unknown, source = 'cms') => validate(event({ source, type: 'cms.author.row', data }));
    assert.ok(row({ ID: 'a1', Name: 'Frank Herbert', Rev: 2, ExtraColumn: 'kept' }).ok);
    assert.deepEqual(reasonsOf(row({ Name: 'x', Rev: 'two' })), ['data: missing "ID"', 'data.Rev: must be integer']);
    assert.deepEqual(reasonsOf(row({ ID: 'a1', Rev: 1 }, 'shop')), ['source: record type cms.author.row belongs to source cms, not shop']);
    assert.match(reasonsOf(validate(event({ type: 'shop.magazine.row', data: {} }))).join(), /unknown event type shop.magazine.row/);
  });
});

describe('source mapping', () => {
  it('turns a record into canonical events carrying the record sequence', () => {
    const result = compiled.mapEvent(
      event({ id: 'r9', type: 'shop.book.row', time: '2024-01-01T00:00:00Z', data: { isbn: 'b1', title: 'Dune', author: 'a1', lsn: '900' } }),
    );
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepEqual(result.events, [
      {
        specversion: '1.0',
        id: 'r9:0',
        source: 'shop',
        type: 'meshgraph.node.upsert',
        subject: 'Book/b1',
        time: '2024-01-01T00:00:00Z',
        sequence: '900',
        data: { title: 'Dune' },
      },
      {
        specversion: '1.0',
        id: 'r9:1',
        source: 'shop',
        type: 'meshgraph.edge.link',
        subject: 'Book/b1',
        time: '2024-01-01T00:00:00Z',
        sequence: '900',
        data: { rel: 'author', to: 'Author/a1' },
      },
    ]);
  });

  it('reports a mapping that writes what its source does not own, or throws', () => {
    const product = library();
    const shop = product.sources['shop']!;
    const rogue = { ...shop.records['shop.book.row']!, map: () => [{ op: 'upsert' as const, type: 'Author', id: 'a1', fields: { name: 'x' } }] };
    const thrower = {
      ...rogue,
      map: () => {
        throw new Error('no title column');
      },
    };
    const mapped = compileDataProduct({ ...product, sources: { ...product.sources, shop: { records: { 'shop.book.row': rogue, 'shop.book.bad': thrower } } } });
    const result = mapped.mapEvent(event({ type: 'shop.book.row', data: { isbn: 'b1', lsn: '1' } }));
    assert.deepEqual(reasonsOf(result as EventVerdict), [
      'mapping of shop.book.row produced an invalid meshgraph.node.upsert for Author/a1: Author.name is owned by cms; shop may not write it',
    ]);
    const failed = mapped.mapEvent(event({ type: 'shop.book.bad', data: { isbn: 'b1', lsn: '1' } }));
    assert.deepEqual(reasonsOf(failed as EventVerdict), ['mapping of shop.book.bad failed: no title column']);
  });

  it('passes canonical events through unchanged', () => {
    const canonical = event({ type: 'meshgraph.node.delete', subject: 'Book/b1' });
    const result = compiled.mapEvent(canonical);
    assert.ok(result.ok);
    assert.deepEqual(result.events, [canonical]);
  });
});
