import { createWorkerContext } from './bootstrap.js';
import { run } from './run.js';

/** Queue workers only, no HTTP: scale these apart from the web processes. */
await run('worker', async (config, logger) => {
  const context = await createWorkerContext(config, logger);
  logger.info('workers running');
  return context;
});
