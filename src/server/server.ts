// Starting and stopping Deputy: open the configured store, bootstrap on first start, listen.
import type { FastifyInstance } from 'fastify';
import type { Store } from '../store/store.ts';
import type { Runtime } from '../services/context.ts';
import { buildApp } from './app.ts';
import { flushReadAudit } from '../services/mailbox/read-audit.ts';
import { bootstrap, type CreatedAccount } from './bootstrap.ts';
import { openConfiguredStore, type ServerConfig } from './config.ts';

export interface RunningServer {
  /** e.g. http://127.0.0.1:8080 */
  url: string;
  runtime: Runtime;
  created: CreatedAccount[];
  close(): Promise<void>;
}

export async function startServer(config: ServerConfig, options: { logger?: boolean } = {}): Promise<RunningServer> {
  const store: Store = await openConfiguredStore(config.storage);
  let app: FastifyInstance | undefined;
  try {
    const { runtime, created } = await bootstrap(store, { domain: config.domain, demo: config.demo, demoPassword: config.demoPassword });
    app = buildApp(runtime, options);
    await app.listen({ host: config.host, port: config.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    const running = app;
    return {
      url: `http://${host}:${port}`,
      runtime,
      created,
      async close() {
        await running.close();
        // Batched read-audit events are written before the store goes away.
        await flushReadAudit(store);
        await store.close();
      },
    };
  } catch (error) {
    await app?.close();
    await store.close();
    throw error;
  }
}
