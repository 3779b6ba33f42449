import { createHttpApp } from './bootstrap.js';
import { run } from './run.js';
import { formatDemoBanner } from './demo/demo-banner.js';
import { demoGateEnabled, maybeStartDemoGate } from './demo/demo-gate.js';
import { maybeSeedDemo } from './demo/demo-seed.js';
import { parseStartArgs, type StartOptions } from './demo/start-options.js';

let options: StartOptions;
try {
  options = parseStartArgs(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`${(error as Error).message}`);
  process.exit(64); // EX_USAGE
}

/** `npm start`: HTTP and workers in one process, on embedded defaults. */
await run('portal', async (config, logger) => {
  const app = await createHttpApp(config, logger, { workers: true });
  await app.listen(config.http.port, config.http.host);
  logger.info({ url: config.http.publicUrl }, `CampusPass portal and workers running at ${config.http.publicUrl}`);
  // Development: demo people (DEMO_SEED=off to skip) and a simulated gate beside the portal (DEMO_GATE=off to skip;
  // `-- --camera` reads a camera instead of the frames folder), stopped before the portal closes.
  const people = await maybeSeedDemo(app, config, logger);
  if (options.camera !== undefined && !demoGateEnabled(config)) {
    logger.warn({ camera: options.camera }, '--camera is for the simulated gate, which runs only in development without DEMO_GATE=off');
  }
  const gate = await maybeStartDemoGate(app, config, logger, options.camera === undefined ? {} : { camera: options.camera });
  if (config.environment !== 'production' && (people || gate)) {
    // For the person at the terminal, beside the JSON log; it holds the demo passwords, so never through the logger.
    process.stdout.write(formatDemoBanner({ publicUrl: config.http.publicUrl, mailCatcher: !config.mail.smtpUrl, gate, people }));
  }
  return {
    async close() {
      if (gate && 'gate' in gate) await gate.gate.stop();
      await app.close();
    },
  };
});
