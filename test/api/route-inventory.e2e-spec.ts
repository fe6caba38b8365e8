// The AGPL server's route inventory (the checks are in test/support/route-inventory.ts): no licensed
// route is mounted, and nothing authenticates itself.
import { AGENT_SELF, describeRouteInventory } from '../support/route-inventory.js';

describeRouteInventory({ edition: 'AGPL', oss: true, self: AGENT_SELF });
