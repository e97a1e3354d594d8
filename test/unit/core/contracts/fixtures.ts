// A small data product, independent of the telecom sample, that tests bend one rule at a time.
import { carry, change, dataProduct, edge, field, node, record, source } from '../../../../core/contracts';
import type { DataProductDef, NodeDef } from '../../../../core/contracts';

export const Author = node({
  name: 'Author',
  owner: 'cms',
  fields: {
    name: field.text().searchable().sortable().summary(),
    email: field.keyword().pii('pii.read'),
    country: field.keyword().facet(),
  },
  edges: {
    books: edge({ to: 'Book', cardinality: 'many', inverse: 'author', inverseCardinality: 'one', owner: 'shop' }),
  },
  denormalized: { bookTitles: carry(['books'], ['title']) },
});

export const Book = node({
  name: 'Book',
  owner: 'shop',
  fields: {
    title: field.text().searchable().summary(),
    genre: field.enum(['novel', 'essay']).facet(),
    price: field.float().sortable(),
    pages: field.int(),
    inPrint: field.bool(),
    published: field.datetime().sortable(),
    tags: field.keyword().list(),
  },
});

export const cms = source({
  records: {
    'cms.author.row': record({
      fields: { ID: field.keyword().required(), Name: field.text(), Mail: field.keyword(), Rev: field.int().required() },
      sequence: 'Rev',
      map: (r) => [change.upsert(Author, r.ID, { name: r.Name, email: r.Mail })],
    }),
  },
});

export const shop = source({
  records: {
    'shop.book.row': record({
      fields: { isbn: field.keyword().required(), title: field.text(), author: field.keyword(), lsn: field.keyword().required() },
      sequence: 'lsn',
      map: (r) => [change.upsert(Book, r.isbn, { title: r.title }), ...(r.author ? [change.link(Book, r.isbn, 'author', Author, r.author)] : [])],
    }),
  },
});

/** The fixture product; `types` and `sources` replace the defaults when given. */
export function library(overrides: { types?: readonly NodeDef[]; sources?: DataProductDef['sources'] } = {}): DataProductDef {
  return dataProduct({ name: 'library', types: overrides.types ?? [Author, Book], sources: overrides.sources ?? { cms, shop } });
}

/** A copy of a node type with some of its declaration replaced. */
export function variant(base: NodeDef, patch: Partial<NodeDef>): NodeDef {
  return { ...base, ...patch };
}
