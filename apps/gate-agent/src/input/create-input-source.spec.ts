import { createInputSource } from './create-input-source.js';

describe('createInputSource', () => {
  it('picks the adapter named by input.type', async () => {
    const ffmpeg = await createInputSource({
      type: 'ffmpeg',
      device: '/dev/video1',
      width: 640,
      height: 480,
      fps: 15,
      inputFormat: 'auto',
    });
    expect(ffmpeg.kind).toBe('frames');
    expect(ffmpeg.source.description).toBe('ffmpeg /dev/video1 640x480@15');
    const rpicam = await createInputSource({ type: 'rpicam', width: 640, height: 480, fps: 15 });
    expect(rpicam.source.description).toBe('rpicam-vid 640x480@15');
    const webcam = await createInputSource({ type: 'webcam', device: '/dev/video0', width: 640, height: 480, intervalMs: 1000 });
    expect(webcam.source.description).toMatch(/^webcam \/dev\/video0/);
    const file = await createInputSource({ type: 'file', path: '/srv/demo', fps: 15, loop: false });
    expect(file.source.description).toBe('file /srv/demo');
    const scanner = await createInputSource({ type: 'serial-scanner', path: '/dev/ttyACM0', baudRate: 9600 });
    expect(scanner.kind).toBe('text');
    expect(scanner.source.description).toBe('serial scanner /dev/ttyACM0 @9600');
  });
});
