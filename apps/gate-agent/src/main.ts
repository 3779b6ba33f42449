import { runGateAgentCli } from './cli/run-gate-agent-cli.js';

// Set by npm start for its simulated gate: end with the portal even when it was killed without stopping this child.
if (process.env['CAMPUSPASS_GATE_EXIT_WITH_PARENT'] === '1') {
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && process.kill(process.pid, 'SIGTERM'), 1000).unref();
}

// exitCode rather than process.exit() so stdout and stderr are flushed before the process ends.
process.exitCode = await runGateAgentCli(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
});
// The agent has stopped and closed what it opened; should a library still hold the event loop open, end anyway
// (unref'd: this timer alone never keeps the process alive).
setTimeout(() => process.exit(), 5000).unref();
