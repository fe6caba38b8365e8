import type { DynamicModule } from '@nestjs/common';
import type { CoreOptions } from '#coderd/core.module.js';
import { EnterpriseModule } from '#enterprise/enterprise.module.js';

/** The enterprise server's root module; test-server.ts loads this file only when the enterprise tree is under test. */
export function enterpriseRoot(opts: CoreOptions): DynamicModule {
  return EnterpriseModule.forRoot(opts);
}
