import { accessSync, constants } from 'node:fs';
import { chromium, type Browser, type LaunchOptions } from 'playwright-core';

/** Where tests find Chromium: $CHROMIUM_PATH, else Debian's package. Tests never download a browser. */
export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
}

/**
 * Flags for a quiet, headless Chromium in a container: no sandbox (tests often run as root), no GPU,
 * and none of the background traffic (updates, sync, QUIC probes) that makes a test touch the network.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export class ChromiumNotFoundError extends Error {
  constructor(readonly executablePath: string) {
    super(
      `Chromium not found or not executable at ${executablePath}. Install it with ` +
        '`sudo apt-get install chromium` (Debian) or point CHROMIUM_PATH at a Chromium or Chrome binary. ' +
        'Tests do not download browsers.',
    );
    this.name = 'ChromiumNotFoundError';
  }
}

/** Launches the system Chromium headless for end-to-end tests. Close it in afterAll. */
export async function launchBrowser(options: Omit<LaunchOptions, 'executablePath'> = {}): Promise<Browser> {
  const executablePath = chromiumPath();
  try {
    accessSync(executablePath, constants.X_OK);
  } catch {
    throw new ChromiumNotFoundError(executablePath);
  }
  return chromium.launch({
    ...options,
    executablePath,
    args: [...CHROMIUM_ARGS, ...(options.args ?? [])],
  });
}
