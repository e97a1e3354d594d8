import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compareModels, validateDataProduct } from '../../../../core/contracts';
import type { ContractModel } from '../../../../core/contracts';
import { library } from './fixtures';

function baseModel(): ContractModel {
  const outcome = validateDataProduct(library());
  assert.ok(outcome.ok);
  return JSON.parse(JSON.stringify(outcome.model)) as ContractModel;
}

/** The changes found after `mutate` edits a copy of the fixture model. */
function changesAfter(mutate: (m: ContractModel) => void) {
  const next = baseModel();
  mutate(next);
  return compareModels(baseModel(), next).map((c) => `${c.breaking ? 'breaking' : 'compatible'} ${c.rule} ${c.at}`);
}

const book = (m: ContractModel) => m.types['Book']!;
const author = (m: ContractModel) => m.types['Author']!;

describe('breaking-change check', () => {
  it('finds nothing between identical models', () => {
    assert.deepEqual(
      changesAfter(() => {}),
      [],
    );
  });

  it('breaking: a type removed', () => {
    assert.deepEqual(
      changesAfter((m) => delete m.types['Book']),
      ['breaking type-removed Book'],
    );
  });

  it('breaking: a field removed (also from a denormalized path)', () => {
    assert.deepEqual(
      changesAfter((m) => delete book(m).fields['pages']),
      ['breaking field-removed Book.pages'],
    );
    assert.deepEqual(
      changesAfter((m) => delete author(m).denormalized['bookTitles']!.fields['title']),
      ['breaking field-removed Author.bookTitles.title'],
    );
  });

  it('breaking: an edge removed or retargeted', () => {
    assert.deepEqual(
      changesAfter((m) => delete author(m).edges['books']),
      ['breaking edge-removed Author.books'],
    );
    assert.deepEqual(
      changesAfter((m) => (book(m).edges['author']!.cardinality = 'many')),
      ['breaking edge-changed Book.author'],
    );
  });

  it('breaking: a narrowed type; compatible: a widened one', () => {
    assert.deepEqual(
      changesAfter((m) => (book(m).fields['price']!.kind = 'int')),
      ['breaking type-narrowed Book.price'],
    );
    assert.deepEqual(
      changesAfter((m) => (book(m).fields['genre']!.values = ['novel'])),
      ['breaking type-narrowed Book.genre'],
    );
    assert.deepEqual(
      changesAfter((m) => (book(m).fields['tags']!.list = false)),
      ['breaking type-narrowed Book.tags'],
    );
    assert.deepEqual(
      changesAfter((m) => (book(m).fields['pages']!.kind = 'float')),
      ['compatible type-widened Book.pages'],
    );
  });

  it('breaking: a changed key', () => {
    assert.deepEqual(
      changesAfter((m) => (book(m).key = 'isbn')),
      ['breaking key-changed Book'],
    );
  });

  it('breaking: pii added to a published field; compatible: pii removed', () => {
    assert.deepEqual(
      changesAfter((m) => (book(m).fields['title']!.pii = 'pii.read')),
      ['breaking pii-added Book.title'],
    );
    assert.deepEqual(
      changesAfter((m) => delete author(m).fields['email']!.pii),
      ['compatible pii-removed Author.email'],
    );
  });

  it('breaking: a sort, facet or search capability withdrawn, or an owner changed', () => {
    assert.deepEqual(
      changesAfter((m) => (book(m).fields['price']!.sortable = false)),
      ['breaking capability-removed Book.price'],
    );
    assert.deepEqual(
      changesAfter((m) => (book(m).fields['title']!.owner = 'cms')),
      ['breaking owner-changed Book.title'],
    );
  });

  it('breaking: a source record type removed', () => {
    assert.deepEqual(
      changesAfter((m) => delete m.sources['shop']!.records['shop.book.row']),
      ['breaking record-type-removed shop.book.row'],
    );
  });

  it('compatible: additions of types, fields, edges, enum values and capabilities', () => {
    const changes = changesAfter((m) => {
      m.types['Shelf'] = { ...book(m), name: 'Shelf' };
      book(m).fields['isbn'] = { ...book(m).fields['pages']!, name: 'isbn' };
      book(m).fields['genre']!.values = ['novel', 'essay', 'poetry'];
      book(m).fields['pages']!.sortable = true;
    });
    assert.deepEqual(changes, [
      'compatible enum-values-added Book.genre',
      'compatible capability-added Book.pages',
      'compatible field-added Book.isbn',
      'compatible type-added Shelf',
    ]);
  });
});
