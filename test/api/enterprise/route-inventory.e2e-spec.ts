// The enterprise server's route inventory (the checks are in test/support/route-inventory.ts).
import { describeRouteInventory, ENTERPRISE_SELF } from '../../support/route-inventory.js';

describeRouteInventory({ edition: 'enterprise', oss: false, self: ENTERPRISE_SELF });
