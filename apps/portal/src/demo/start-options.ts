/** The camera the simulated gate reads with `--camera` alone. */
export const DEFAULT_DEMO_CAMERA = '/dev/video0';

export interface StartOptions {
  /** `--camera[=/dev/videoN]`: the simulated gate reads a real camera instead of the frames folder. */
  readonly camera?: string;
}

export const START_USAGE =
  'Usage: npm start [-- --camera[=/dev/videoN]]\n' +
  '  --camera   the simulated gate reads QR codes from a camera (default /dev/video0) instead of .data/gate/frames\n';

/** `npm start -- …`'s options; throws with the usage for anything else. */
export function parseStartArgs(argv: readonly string[]): StartOptions {
  let camera: string | undefined;
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    if (arg === '--camera') {
      const next = argv[index + 1];
      // `--camera /dev/video1` as well as `--camera=/dev/video1`.
      if (next !== undefined && next.startsWith('/dev/')) {
        camera = next;
        index++;
      } else {
        camera = DEFAULT_DEMO_CAMERA;
      }
    } else if (arg.startsWith('--camera=')) {
      camera = arg.slice('--camera='.length);
      if (!/^\/dev\/[\w./-]+$/.test(camera)) {
        throw new Error(
          `--camera takes a device path under /dev/, e.g. --camera=/dev/video0 (got ${JSON.stringify(camera)})\n${START_USAGE}`,
        );
      }
    } else {
      throw new Error(`unknown option ${JSON.stringify(arg)}\n${START_USAGE}`);
    }
  }
  return camera === undefined ? {} : { camera };
}
