import { runGateAgentCli } from './cli/run-gate-agent-cli.js';

// exitCode rather than process.exit() so stdout and stderr are flushed before the process ends.
process.exitCode = await runGateAgentCli(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  stdout: process.stdout,
  stderr: process.stderr,
});
