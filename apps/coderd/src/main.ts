import 'reflect-metadata';
import { CoreModule } from './core.module.js';
import { runServer } from './server/run-server.js';

await runServer({ name: 'coderd', title: 'coderd (AGPL)', module: (opts) => CoreModule.forRoot(opts) });
