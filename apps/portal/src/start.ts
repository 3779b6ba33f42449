import { createHttpApp } from './bootstrap.js';
import { run } from './run.js';
import { maybeStartDemoGate } from './demo/demo-gate.js';

/** `npm start`: HTTP and workers in one process, on embedded defaults. */
await run('portal', async (config, logger) => {
  const app = await createHttpApp(config, logger, { workers: true });
  await app.listen(config.http.port, config.http.host);
  logger.info({ url: config.http.publicUrl }, `CampusPass portal and workers running at ${config.http.publicUrl}`);
  // Development: a simulated gate beside the portal (DEMO_GATE=off to skip); stopped before the portal closes.
  const demoGate = await maybeStartDemoGate(app, config, logger);
  return {
    async close() {
      await demoGate?.stop();
      await app.close();
    },
  };
});
