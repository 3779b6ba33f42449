import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertCamera, demoGateConfig } from './demo-gate.js';
import { parseStartArgs } from './start-options.js';

const settings = {
  portalUrl: 'http://127.0.0.1:3000',
  dataDir: '/work/.data/gate',
  framesDir: '/work/.data/gate/frames',
  guardPagePort: 8080,
  enrollmentCode: undefined,
};

describe('npm start -- --camera', () => {
  it('parses --camera, --camera=<device> and --camera <device>, and refuses anything else with the usage', () => {
    expect(parseStartArgs([])).toEqual({});
    expect(parseStartArgs(['--camera'])).toEqual({ camera: '/dev/video0' });
    expect(parseStartArgs(['--camera=/dev/video2'])).toEqual({ camera: '/dev/video2' });
    expect(parseStartArgs(['--camera', '/dev/video1'])).toEqual({ camera: '/dev/video1' });
    expect(() => parseStartArgs(['--camera=video0'])).toThrow(/device path under \/dev\/.*\n.*Usage: npm start/s);
    expect(() => parseStartArgs(['--cam'])).toThrow(/unknown option "--cam"\nUsage: npm start/);
  });

  it('writes the agent an ffmpeg camera input instead of the frames folder', () => {
    const camera = demoGateConfig({ ...settings, camera: '/dev/video2' });
    expect(camera).toMatch(/input:\n {2}type: ffmpeg\n {2}device: "\/dev\/video2"\n {2}width: 640\n {2}height: 480\n {2}fps: 15\n/);
    expect(camera).not.toContain('frames');
    const folder = demoGateConfig(settings);
    expect(folder).toMatch(/input:\n {2}type: file\n {2}path: "\/work\/.data\/gate\/frames"\n/);
    expect(folder).not.toContain('ffmpeg');
  });

  it('says what to do when there is no camera, or the path is not one', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'demo-camera-'));
    try {
      await expect(assertCamera(join(directory, 'video9'), '/x/frames')).rejects.toThrow(
        `no camera at ${join(directory, 'video9')}: plug in a USB camera (ls /dev/video* lists the cameras) and start again with --camera=/dev/videoN, or start without --camera to read QR screenshots from /x/frames`,
      );
      const file = join(directory, 'video0');
      await writeFile(file, 'not a device');
      await expect(assertCamera(file, '/x/frames')).rejects.toThrow(`${file} is not a camera (not a character device)`);
      await expect(assertCamera('/dev/null', '/x/frames')).resolves.toBeUndefined();
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
