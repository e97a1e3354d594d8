// Catalog: tariff plans, published as JSON documents on every revision.
import { change, field, record, source } from '../../../core/contracts';
import { Plan } from '../types';

export const catalog = source({
  description: 'Product catalog service; publishes a plan on every revision.',
  records: {
    'catalog.plan.published': record({
      fields: {
        planCode: field.keyword().required(),
        displayName: field.text(),
        priceMonthly: field.float(),
        dataAllowanceGb: field.int(),
        retired: field.bool(),
        revision: field.int().required(),
      },
      sequence: 'revision',
      map: (doc) =>
        doc.retired
          ? [change.delete(Plan, doc.planCode)]
          : [change.upsert(Plan, doc.planCode, { name: doc.displayName, monthlyPrice: doc.priceMonthly, dataGb: doc.dataAllowanceGb })],
    }),
  },
});
