// Types for server.mjs (plain ESM, shared by bench/ and the specs that run the built server).
import type { ChildProcess } from 'node:child_process';

export declare function freePort(): Promise<number>;

export declare const sleep: (ms: number) => Promise<void>;

export interface ServerProcessOptions {
  /** The repository root (the server's working directory). */
  root: string;
  /** The entry script, e.g. `dist/apps/enterprise/src/main.js`. */
  entry: string;
  /** CODER_CACHE_DIRECTORY (embedded PostgreSQL lives under it unless extraEnv names a database). */
  cacheDir: string;
  port: number;
  /** Added last (after the defaults: no rate limits, the cache directory and the address). */
  extraEnv?: Record<string, string>;
}

export interface ServerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export declare class ServerProcess {
  constructor(opts: ServerProcessOptions);
  readonly root: string;
  readonly entry: string;
  readonly cacheDir: string;
  readonly port: number;
  extraEnv: Record<string, string>;
  child: ChildProcess | undefined;
  /** stdout and stderr (stderr lines prefixed `[stderr] `), the last 256 KiB. */
  log: string;
  /** Resolves when the process exits; undefined before start(). */
  exited: Promise<ServerExit> | undefined;
  readonly baseUrl: string;
  /** Resolves with the seconds from spawn to the first 200 on /healthz; throws if it exits first. */
  start(opts?: { timeoutMs?: number }): Promise<number>;
  reportedStartMs(): number | undefined;
  tail(lines?: number): string;
  /** SIGTERM and wait for the exit; SIGKILL after graceMs. */
  stop(opts?: { graceMs?: number }): Promise<(ServerExit & { seconds: number }) | undefined>;
}

/** The embedded cluster's data directory for a cache directory (follows the symlink used as root). */
export declare function embeddedDataDir(cacheDir: string): string;

/** Stops a postmaster left running on this data directory by a server that died. */
export declare function stopOrphanedPostgres(dataDir: string): Promise<void>;

/** Removes the cache directory, and the cluster kept outside it when running as root. */
export declare function removeCacheDir(cacheDir: string, dataDir?: string): void;
