// Customer care: interactions logged by agents, and purges of them (data retention).
import { change, field, record, source } from '../../../core/contracts';
import { Customer, Interaction, Store } from '../types';

export const care = source({
  description: 'Customer care ticketing.',
  records: {
    'care.interaction.logged': record({
      fields: {
        ticketId: field.keyword().required(),
        customerNo: field.keyword(),
        channel: field.enum(['phone', 'chat', 'email', 'store']),
        topic: field.keyword(),
        notes: field.text(),
        storeNo: field.keyword(),
        occurredAt: field.datetime(),
        seq: field.int().required(),
      },
      sequence: 'seq',
      map: (t) => [
        change.upsert(Interaction, t.ticketId, { channel: t.channel, topic: t.topic, text: t.notes, at: t.occurredAt }),
        ...(t.customerNo ? [change.link(Interaction, t.ticketId, 'customer', Customer, t.customerNo)] : []),
        ...(t.storeNo ? [change.link(Interaction, t.ticketId, 'store', Store, t.storeNo)] : []),
      ],
    }),
    'care.interaction.purged': record({
      description: 'A ticket removed under the retention policy.',
      fields: { ticketId: field.keyword().required(), seq: field.int().required() },
      sequence: 'seq',
      map: (t) => [change.delete(Interaction, t.ticketId)],
    }),
  },
});
