import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/app-config.js';
import { GateAdminService } from '../gates/gate-admin.service.js';
import { GatesService } from '../gates/gates.service.js';
import { demoAllowed } from './demo-seed.js';

/** Where `npm start` keeps its simulated gate (identity, enrollment, SQLite, config, frames). */
export const DEMO_GATE_DIR = '.data/gate';
export const DEMO_GATE_NAME = 'Demo gate (npm start)';
export const DEMO_GUARD_PAGE_PORT = 8080;
/** The built gate agent, from apps/portal/dist/demo/. */
const DEFAULT_AGENT_ENTRY = resolve(import.meta.dirname, '../../../gate-agent/dist/main.js');
const STOP_GRACE_MS = 5000;

export interface DemoGateOptions {
  /** Default `.data/gate` under the working directory. */
  readonly dataDir?: string;
  readonly guardPagePort?: number;
  readonly agentEntry?: string;
  /** A V4L2 camera (`npm start -- --camera`) to read instead of the frames folder. */
  readonly camera?: string;
}

export interface DemoGate {
  readonly guardPageUrl: string;
  readonly framesDir: string;
  /** The camera the gate reads, when it reads one instead of the frames folder. */
  readonly camera?: string;
  readonly configPath: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/** What `npm start`'s hook did: a running gate, or why there is none (undefined: turned off or production). */
export type DemoGateOutcome = { readonly gate: DemoGate } | { readonly error: string } | undefined;

/**
 * `npm start`'s hook: the simulated gate in development (unless DEMO_GATE=off). A failure never stops the portal:
 * it is logged with what to do, and the portal serves on without a gate.
 */
export async function maybeStartDemoGate(
  app: INestApplicationContext,
  config: AppConfig,
  logger: Logger,
  options: DemoGateOptions = {},
): Promise<DemoGateOutcome> {
  if (!demoGateEnabled(config)) return undefined;
  try {
    const port = process.env['DEMO_GATE_PORT'];
    if (port !== undefined && port !== '' && !(/^\d+$/.test(port) && Number(port) >= 1024 && Number(port) <= 65_535)) {
      throw new Error(`DEMO_GATE_PORT must be a TCP port 1024–65535 for the simulated gate's guard page (got ${JSON.stringify(port)})`);
    }
    const guardPagePort = options.guardPagePort ?? (port ? Number(port) : undefined);
    return { gate: await startDemoGate(app, config, logger, { ...options, ...(guardPagePort === undefined ? {} : { guardPagePort }) }) };
  } catch (error) {
    logger.warn({ err: error }, `the simulated gate did not start: ${(error as Error).message}`);
    return { error: (error as Error).message };
  }
}

/**
 * Development only, on the embedded database unless DEMO_GATE=on (the demo people's rule, `demoAllowed`);
 * DEMO_GATE=off turns it off (DEMO_GATE_PORT moves its guard page off 8080).
 */
export function demoGateEnabled(config: AppConfig, env: NodeJS.ProcessEnv = process.env): boolean {
  return demoAllowed(config, env['DEMO_GATE']);
}

/**
 * The simulated gate of `npm start`: enrolls a demo gate with the portal (as the AAO would, through the gates
 * service, once; later starts reuse it), writes its config under `.data/gate/` (frames read from
 * `.data/gate/frames/`, or a camera through ffmpeg with `--camera`; simulated relay and sensor, guard page on
 * 127.0.0.1:8080) and runs the real gate agent as a child process. Stopping the portal stops it.
 */
export async function startDemoGate(
  app: INestApplicationContext,
  config: AppConfig,
  logger: Logger,
  options: DemoGateOptions = {},
): Promise<DemoGate> {
  const dataDir = resolve(options.dataDir ?? DEMO_GATE_DIR);
  const framesDir = join(dataDir, 'frames');
  const configPath = join(dataDir, 'gate.yaml');
  const guardPagePort = options.guardPagePort ?? DEMO_GUARD_PAGE_PORT;
  const agentEntry = options.agentEntry ?? DEFAULT_AGENT_ENTRY;
  if (!existsSync(agentEntry)) {
    throw new Error(`the gate agent is not built (${agentEntry} is missing): run "npm run build", or set DEMO_GATE=off`);
  }
  if (options.camera !== undefined) await assertCamera(options.camera, framesDir);
  await mkdir(framesDir, { recursive: true, mode: 0o700 });
  // One simulated gate per data directory: a second portal started from the same checkout leaves it alone.
  const releaseLock = await lockDemoGate(dataDir);

  try {
    const enrollmentCode = await demoEnrollmentCode(app, dataDir, logger);
    const portalUrl = `http://127.0.0.1:${config.http.port}`;
    await writeFile(
      configPath,
      demoGateConfig({
        portalUrl,
        dataDir,
        framesDir,
        guardPagePort,
        enrollmentCode,
        ...(options.camera ? { camera: options.camera } : {}),
      }),
      { mode: 0o600 },
    );
  } catch (error) {
    await releaseLock();
    throw error;
  }

  // As a gate runs it (see README): a small young generation, one V8 helper thread and two malloc arenas keep the
  // agent's RSS low.
  const child = spawn(
    process.execPath,
    ['--optimize-for-size', '--max-semi-space-size=1', '--v8-pool-size=1', agentEntry, '--config', configPath],
    {
      env: { ...process.env, NODE_ENV: config.environment, CAMPUSPASS_GATE_EXIT_WITH_PARENT: '1', MALLOC_ARENA_MAX: '2' },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  void exited.then(releaseLock);
  let stopping = false;
  child.once('exit', (code, signal) => {
    if (!stopping) logger.warn({ code, signal }, 'the simulated gate stopped; restart npm start to run it again');
  });
  const guardPageUrl = `http://127.0.0.1:${guardPagePort}/`;
  logger.info(
    { guardPage: guardPageUrl, frames: framesDir, camera: options.camera, gateConfig: configPath },
    options.camera
      ? `Simulated gate: guard page at ${guardPageUrl}; hold a pass QR code up to the camera ${options.camera}`
      : `Simulated gate: guard page at ${guardPageUrl}; drop a screenshot of a pass QR code into ${framesDir}`,
  );
  return {
    guardPageUrl,
    framesDir,
    ...(options.camera ? { camera: options.camera } : {}),
    configPath,
    child,
    async stop() {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * The code for a new demo gate, or undefined when the gate under `dataDir` is enrolled with this portal already.
 * A gate dir left by another database (a reset `.data/postgres`, another DATABASE_URL) is cleared and enrolled anew.
 */
async function demoEnrollmentCode(app: INestApplicationContext, dataDir: string, logger: Logger): Promise<string | undefined> {
  const enrolledGateId = await readEnrolledGateId(dataDir);
  if (enrolledGateId !== undefined) {
    const gate = await app.get(GatesService).findGate(enrolledGateId);
    if (gate?.status === 'active') return undefined;
    logger.info({ gateId: enrolledGateId }, 'the demo gate on disk is unknown to this portal (or revoked); enrolling a new one');
  }
  for (const file of ['identity.json', 'enrollment.json', 'gate.sqlite', 'gate.sqlite-wal', 'gate.sqlite-shm']) {
    await rm(join(dataDir, file), { force: true });
  }
  const issued = await app.get(GateAdminService).createGate(DEMO_GATE_NAME, { type: 'system', id: 'demo' });
  return issued.code;
}

/** Takes `<dataDir>/demo.lock` (our pid); throws, naming the holder, while another live process has it. */
async function lockDemoGate(dataDir: string): Promise<() => Promise<void>> {
  const lockPath = join(dataDir, 'demo.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockPath, 'wx', 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number((await readFile(lockPath, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(holder) && holder > 0 && processAlive(holder)) {
        throw new Error(
          `another portal (pid ${holder}) runs the simulated gate in ${dataDir}; stop it first, or set DEMO_GATE=off for this one`,
          { cause: error },
        );
      }
      await rm(lockPath, { force: true }); // left by a process that is gone
    }
  }
  throw new Error(`cannot take ${lockPath}; remove it if no portal is running`);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readEnrolledGateId(dataDir: string): Promise<string | undefined> {
  try {
    const enrollment = JSON.parse(await readFile(join(dataDir, 'enrollment.json'), 'utf8')) as { response?: { gateId?: unknown } };
    return typeof enrollment.response?.gateId === 'string' ? enrollment.response.gateId : undefined;
  } catch {
    return undefined;
  }
}

/** The camera must be there before the agent starts: it says what to do instead of exiting 69 in a restart loop. */
export async function assertCamera(device: string, framesDir: string): Promise<void> {
  const instead = `or start without --camera to read QR screenshots from ${framesDir}`;
  let isDevice: boolean;
  try {
    isDevice = (await stat(device)).isCharacterDevice();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new Error(
        `no camera at ${device}: plug in a USB camera (ls /dev/video* lists the cameras) and start again with --camera=/dev/videoN, ${instead}`,
        { cause: error },
      );
    }
    throw new Error(
      `cannot open the camera ${device} (${code ?? (error as Error).message}): check its permissions (group video), ${instead}`,
      {
        cause: error,
      },
    );
  }
  if (!isDevice) throw new Error(`${device} is not a camera (not a character device): pass --camera=/dev/videoN, ${instead}`);
}

export function demoGateConfig(settings: {
  portalUrl: string;
  dataDir: string;
  framesDir: string;
  guardPagePort: number;
  enrollmentCode: string | undefined;
  /** A V4L2 camera read through ffmpeg instead of the frames folder. */
  camera?: string;
}): string {
  return [
    '# Written by npm start for its simulated gate; rewritten at every start. See firmware-config/gate.example.yaml.',
    'gate:',
    '  name: Demo gate',
    'portal:',
    `  url: ${JSON.stringify(settings.portalUrl)}`,
    ...(settings.enrollmentCode ? [`  enrollmentCode: ${JSON.stringify(settings.enrollmentCode)}`] : []),
    'storage:',
    `  dataDir: ${JSON.stringify(settings.dataDir)}`,
    'input:',
    ...(settings.camera
      ? ['  type: ffmpeg', `  device: ${JSON.stringify(settings.camera)}`, '  width: 640', '  height: 480', '  fps: 15']
      : ['  type: file', `  path: ${JSON.stringify(settings.framesDir)}`]),
    'relay:',
    '  type: simulated',
    '  pulseMs: 500',
    'passageSensor:',
    '  type: simulated',
    '  passAfterMs: 1500',
    '  timeoutMs: 10000',
    'indicator:',
    '  type: simulated',
    'sync:',
    '  bundleIntervalSeconds: 30',
    '  heartbeatIntervalSeconds: 15',
    '  backoff: { minSeconds: 2, maxSeconds: 30 }',
    'guardPage:',
    '  host: 127.0.0.1',
    `  port: ${settings.guardPagePort}`,
    '',
  ].join('\n');
}
