import { createHttpApp } from './bootstrap.js';
import { run } from './run.js';

/** HTTP only: API and web app. Run `worker.ts` beside it for the queues. */
await run('portal', async (config, logger) => {
  const app = await createHttpApp(config, logger, { workers: false });
  await app.listen(config.http.port, config.http.host);
  logger.info({ url: config.http.publicUrl }, 'portal listening');
  return app;
});
