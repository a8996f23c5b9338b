// Configuration: command-line options plus the environment (the only place that reads it),
// and the choice of storage dialect.
import path from 'node:path';
import { DeputyError } from '../core/errors.ts';
import { openStore, type Store } from '../store/index.ts';

export interface StorageConfig {
  kind: 'sqlite' | 'postgres';
  /** SQLite: the data directory. */
  dir: string;
  /** PostgreSQL: the connection URL (from DEPUTY_DATABASE_URL). */
  url?: string;
}

export interface ServerConfig {
  storage: StorageConfig;
  host: string;
  port: number;
  domain?: string;
  demo: boolean;
  demoPassword?: string;
}

export const defaultDataDir = './deputy-data';
export const defaultHttp = '127.0.0.1:8080';

export function storageConfig(dataDir: string | undefined, env: NodeJS.ProcessEnv = process.env): StorageConfig {
  const dir = path.resolve(dataDir ?? defaultDataDir);
  const url = env.DEPUTY_DATABASE_URL;
  if (url) {
    if (!/^postgres(ql)?:\/\//.test(url)) throw new DeputyError('InvalidArgument', `DEPUTY_DATABASE_URL must be a postgres:// URL (got '${url.split(':')[0]}:…').`);
    return { kind: 'postgres', dir, url };
  }
  return { kind: 'sqlite', dir };
}

export function parseHttpAddress(text: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text.trim());
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) throw new DeputyError('InvalidArgument', `--http takes HOST:PORT (for example 127.0.0.1:8080, or port 0 for any free port), not '${text}'.`);
  return { host: match[1] ?? match[2], port };
}

export function openConfiguredStore(storage: StorageConfig): Promise<Store> {
  return storage.kind === 'postgres' ? openStore({ kind: 'postgres', url: storage.url! }) : openStore({ kind: 'sqlite', dir: storage.dir });
}

/** Test support: the PostgreSQL URL the suite should also run against, if any. */
export function testDatabaseUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.DEPUTY_TEST_DATABASE_URL || undefined;
}
