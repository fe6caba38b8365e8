import 'reflect-metadata';
import { runServer } from '#coderd/server/run-server.js';
import { EnterpriseModule } from './enterprise.module.js';

await runServer({ name: 'coderd-enterprise', title: 'coderd enterprise', module: (opts) => EnterpriseModule.forRoot(opts) });
