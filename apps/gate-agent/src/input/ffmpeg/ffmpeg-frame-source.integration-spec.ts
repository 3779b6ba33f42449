import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { prepareFrame, WHOLE_FRAME } from '../../decoder/preprocess.js';
import { greyFrameToPng, renderQrFrame } from '../../decoder/testing/qr-test-frames.js';
import { ZxingDecoder } from '../../decoder/zxing/zxing-decoder.adapter.js';
import type { FrameSource, GreyFrame } from '../frame-source.port.js';
import type { InputError } from '../input.error.js';
import { createFfmpegFrameSource, v4l2InputArgs } from './ffmpeg-frame-source.adapter.js';

// The same adapter that reads /dev/video0 on a gate, fed from a real video file (image2 → ffv1) and from
// lavfi: only the `-f v4l2 … -i /dev/videoX` input arguments are not exercised here.

const run = promisify(execFile);
let directory: string;
let video: string;
const passes = ['CP1:FIRST-PASS-1111', 'CP1:SECOND-PASS-2222'];
const sources: FrameSource[] = [];

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'campuspass-ffmpeg-'));
  // Five frames of the first pass, then five of the second, at 10 frames/s.
  for (let i = 0; i < 10; i++) {
    const frame = await renderQrFrame(passes[i < 5 ? 0 : 1], { codeSize: 220 });
    await writeFile(join(directory, `frame-${String(i).padStart(2, '0')}.png`), await greyFrameToPng(frame));
  }
  video = join(directory, 'passes.mkv');
  await run('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-framerate',
    '10',
    '-i',
    join(directory, 'frame-%02d.png'),
    '-c:v',
    'ffv1',
    '-pix_fmt',
    'gray',
    video,
  ]);
});
afterEach(async () => {
  await Promise.all(sources.splice(0).map((source) => source.stop()));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

function collect(source: FrameSource) {
  sources.push(source);
  const frames: GreyFrame[] = [];
  const errors: InputError[] = [];
  let ended = false;
  source.on('frame', (frame) => frames.push(frame));
  source.on('error', (error) => errors.push(error));
  source.on('ended', () => (ended = true));
  return { frames, errors, isEnded: () => ended };
}

async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('ffmpeg frame source', () => {
  it('cuts the rawvideo stream into width×height grey frames that decode to the passes in the video', async () => {
    const source = createFfmpegFrameSource({ width: 640, height: 480, inputArgs: ['-i', video], restart: 'on-failure' });
    const { frames, errors, isEnded } = collect(source);
    await source.start();
    await until(isEnded, 'the end of the video');
    expect(errors).toEqual([]);
    expect(frames).toHaveLength(10);
    for (const frame of frames) {
      expect([frame.width, frame.height, frame.stride, frame.data.length]).toEqual([640, 480, 640, 640 * 480]);
    }
    const decoder = await ZxingDecoder.create();
    try {
      const texts = [];
      for (const frame of frames) texts.push((await decoder.decode(prepareFrame(frame, { region: WHOLE_FRAME, downscale: 1 })))?.text);
      expect(texts).toEqual([...Array(5).fill(passes[0]), ...Array(5).fill(passes[1])]);
    } finally {
      await decoder.close();
    }
    // Frames are stamped on the monotonic clock, in order.
    expect(frames.every((frame, i) => i === 0 || frame.capturedAt >= frames[i - 1].capturedAt)).toBe(true);
  });

  it('scales an input of another size to the configured frame size', async () => {
    const source = createFfmpegFrameSource({
      width: 320,
      height: 240,
      inputArgs: ['-f', 'lavfi', '-i', 'testsrc=size=640x480:rate=10:duration=0.5'],
      restart: 'on-failure',
    });
    const { frames, isEnded } = collect(source);
    await source.start();
    await until(isEnded, 'the end of the lavfi input');
    expect(frames).toHaveLength(5);
    expect(frames.every((frame) => frame.width === 320 && frame.data.length === 320 * 240)).toBe(true);
  });

  it('restarts with backoff when ffmpeg dies, reporting why', async () => {
    // A "camera" that delivers three frames and then exits, as a USB camera does when it is unplugged.
    const source = createFfmpegFrameSource({
      width: 64,
      height: 48,
      inputArgs: ['-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=30:duration=0.1'],
      restart: 'always',
      backoff: { initialDelayMs: 50, maxDelayMs: 200 },
    });
    const { frames, errors, isEnded } = collect(source);
    await source.start();
    await until(() => errors.length >= 2 && frames.length >= 6, 'two restarts');
    expect(isEnded()).toBe(false);
    expect(errors[0].code).toBe('input-process-exited');
    expect(errors[0].message).toMatch(/ffmpeg exited with code 0 after 3 frames/);
  });

  it('keeps ffmpeg’s own error message when the input cannot be opened', async () => {
    const missing = join(directory, 'no-such-camera.mkv');
    const source = createFfmpegFrameSource({
      width: 64,
      height: 48,
      inputArgs: ['-i', missing],
      backoff: { initialDelayMs: 5000, maxDelayMs: 5000 },
    });
    const { errors } = collect(source);
    await source.start();
    await until(() => errors.length === 1, 'the failure');
    expect(errors[0].code).toBe('input-process-exited');
    expect(errors[0].message).toContain(`${missing}: No such file or directory`);
  });

  it('says so when ffmpeg is not installed', async () => {
    const source = createFfmpegFrameSource({
      width: 64,
      height: 48,
      inputArgs: ['-i', video],
      ffmpegPath: join(directory, 'no-ffmpeg-here'),
      backoff: { initialDelayMs: 5000, maxDelayMs: 5000 },
    });
    const { errors } = collect(source);
    await source.start();
    await until(() => errors.length === 1, 'the spawn failure');
    expect(errors[0].code).toBe('input-spawn-failed');
    expect(errors[0].message).toMatch(/cannot run .*no-ffmpeg-here \(ENOENT\); is it installed\?/);
  });

  it('builds the v4l2 input arguments from the gate config', () => {
    expect(v4l2InputArgs({ device: '/dev/video2', width: 640, height: 480, fps: 15, inputFormat: 'mjpeg' })).toEqual([
      '-f',
      'v4l2',
      '-input_format',
      'mjpeg',
      '-video_size',
      '640x480',
      '-framerate',
      '15',
      '-i',
      '/dev/video2',
    ]);
    expect(v4l2InputArgs({ device: '/dev/video0', width: 320, height: 240, fps: 5, inputFormat: 'auto' })).not.toContain('-input_format');
  });
});
