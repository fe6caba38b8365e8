import { Global, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { dataSourceOptions } from './db-options.js';
import { runMigrationsLocked } from './migrate.js';
import { guardPoolClients } from './pool-errors.js';
import { Pubsub } from './pubsub.js';

export interface DatabaseModuleOptions {
  url: string;
  poolSize: number;
  /**
   * Longest wait for a connection: a free one from the pool, or a new one being opened. With the
   * database gone, requests then fail within this bound (and answer 503) instead of queueing.
   */
  connectTimeoutMs: number;
}

class PubsubLifecycle implements OnApplicationShutdown {
  constructor(private readonly pubsub: Pubsub) {}
  async onApplicationShutdown(): Promise<void> {
    await this.pubsub.close();
  }
}

/** The DataSource (migrated before anything uses it) and the LISTEN/NOTIFY pubsub. */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(opts: DatabaseModuleOptions): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: (): DataSourceOptions => ({ ...dataSourceOptions(opts.url, opts.poolSize), connectTimeoutMS: opts.connectTimeoutMs }) as DataSourceOptions,
          dataSourceFactory: async (options) => {
            const ds = await new DataSource(options!).initialize();
            guardPoolClients(ds);
            await runMigrationsLocked(ds);
            return ds;
          },
        }),
      ],
      providers: [
        {
          provide: Pubsub,
          useFactory: async () => {
            const pubsub = new Pubsub(opts.url);
            await pubsub.start();
            return pubsub;
          },
        },
        { provide: PubsubLifecycle, useFactory: (p: Pubsub) => new PubsubLifecycle(p), inject: [Pubsub] },
      ],
      exports: [Pubsub],
    };
  }
}
