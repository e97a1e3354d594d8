// Inventory: devices, as documents of its Mongo collection.
import { change, field, record, source } from '../../../core/contracts';
import { Device, Line } from '../types';

export const inventory = source({
  description: 'Device inventory (MongoDB); one document per device.',
  records: {
    'inventory.device.doc': record({
      fields: {
        _id: field.keyword().required(),
        imei: field.keyword(),
        manufacturer: field.keyword(),
        modelName: field.keyword(),
        assignedSubscription: field.keyword().describe('The billing subscription (line) the device is assigned to.'),
        scrapped: field.bool(),
        version: field.int().required(),
      },
      sequence: 'version',
      map: (doc) =>
        doc.scrapped
          ? [change.delete(Device, doc._id)]
          : [
              change.upsert(Device, doc._id, { imei: doc.imei, maker: doc.manufacturer, model: doc.modelName }),
              ...(doc.assignedSubscription ? [change.link(Device, doc._id, 'line', Line, doc.assignedSubscription)] : []),
            ],
    }),
  },
});
