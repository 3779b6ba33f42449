import { spawn, type ChildProcess } from 'node:child_process';
import type { AgentStatus } from '../../apps/gate-agent/src/agent/gate-agent.types.js';
import { builtEntry, REPO_ROOT } from './portal-process.js';

export const AGENT_ENTRY = 'apps/gate-agent/dist/main.js';
/**
 * As the gate runs it (systemd unit, npm start's demo gate): V8 tuned for size (small young generation, one helper
 * thread) and two malloc arenas take 20–30 MB off its RSS.
 */
export const AGENT_NODE_FLAGS = ['--optimize-for-size', '--max-semi-space-size=1', '--v8-pool-size=1'];
export const AGENT_ENV = { MALLOC_ARENA_MAX: '2' };

/** The built gate agent as its own process, as systemd runs it. */
export interface AgentProcess {
  readonly child: ChildProcess;
  readonly guardUrl: string;
  output(): string;
  status(): Promise<AgentStatus>;
  /** SIGTERM, resolves with the exit code. */
  stop(): Promise<number | null>;
  kill(): Promise<void>;
}

/** Starts the built agent on this config and waits (30 s at most) until it runs with a bundle, as its guard page reports. */
export async function startAgentProcess(configPath: string, guardPort: number): Promise<AgentProcess> {
  const child = spawn(process.execPath, [...AGENT_NODE_FLAGS, builtEntry(AGENT_ENTRY), '--config', configPath], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...AGENT_ENV },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // 'close', not 'exit': by then its output has been read to the end.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const guardUrl = `http://127.0.0.1:${guardPort}/`;
  const status = async () => (await (await fetch(`${guardUrl}api/status`)).json()) as AgentStatus;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the gate agent exited with ${child.exitCode}:\n${output}`);
    const current = await status().catch(() => undefined);
    if (current?.phase === 'running' && current.bundle.version > 0) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the gate agent did not run within 30 s (last: ${JSON.stringify(current)}):\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  return {
    child,
    guardUrl,
    output: () => output,
    status,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
