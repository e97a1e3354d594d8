// The sample data product: a telecom operator's mesh. MESH_CONTRACTS=contracts/telecom loads it.
import { dataProduct } from '../../core/contracts';
import { TELECOM_TYPES } from './types';
import { telecomDemo } from './demo';
import { billing } from './sources/billing';
import { care } from './sources/care';
import { catalog } from './sources/catalog';
import { crm } from './sources/crm';
import { inventory } from './sources/inventory';
import { retail } from './sources/retail';

export const telecom = dataProduct({
  name: 'telecom',
  description: "A telecom operator's customers, accounts, lines, plans, devices, stores and care interactions.",
  types: TELECOM_TYPES,
  sources: { crm, billing, catalog, inventory, retail, care },
  demo: telecomDemo,
});

export default telecom;
