import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { JsqrDecoder } from '../../decoder/jsqr/jsqr-decoder.adapter.js';
import { greyFrameToPng, renderQrFrame, renderQrPng } from '../../decoder/testing/qr-test-frames.js';
import type { GreyFrame } from '../frame-source.port.js';
import type { InputError } from '../input.error.js';
import { FileFrameSource } from './file-frame-source.adapter.js';

const run = promisify(execFile);
let directory: string;
const sources: FileFrameSource[] = [];
const decoder = new JsqrDecoder();

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'campuspass-files-'));
});
afterEach(async () => {
  await Promise.all(sources.splice(0).map((source) => source.stop()));
  await rm(directory, { recursive: true, force: true });
});

function collect(source: FileFrameSource) {
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

const textOf = async (frame: GreyFrame) => (await decoder.decode(frame))?.text;

describe('file frame source', () => {
  it('reads the images in a directory, then each new image written into it', async () => {
    await writeFile(join(directory, 'a.png'), await renderQrPng('CP1:EXISTING-A'));
    await writeFile(join(directory, 'b.png'), await renderQrPng('CP1:EXISTING-B'));
    await writeFile(join(directory, 'notes.txt'), 'not an image');
    const source = new FileFrameSource({ path: directory, fps: 15, loop: false });
    const { frames, errors } = collect(source);
    await source.start();
    await until(() => frames.length === 2, 'the existing images');
    // A new file arrives the way a demo writes it: into a temp name, then renamed in.
    const staging = join(tmpdir(), `campuspass-staging-${process.pid}.png`);
    await writeFile(staging, await greyFrameToPng(await renderQrFrame('CP1:NEW-ARRIVAL')));
    await rename(staging, join(directory, 'c.png'));
    await until(() => frames.length === 3, 'the new image');
    expect(await Promise.all(frames.map(textOf))).toEqual(['CP1:EXISTING-A', 'CP1:EXISTING-B', 'CP1:NEW-ARRIVAL']);
    expect(frames[2]).toMatchObject({ width: 640, height: 480, stride: 640 });
    expect(errors).toEqual([]);
  });

  it('reports an unreadable image in the directory and carries on', async () => {
    const source = new FileFrameSource({ path: directory, fps: 15, loop: false });
    const { frames, errors } = collect(source);
    await source.start();
    await writeFile(join(directory, 'broken.png'), 'these bytes are not a PNG');
    await until(() => errors.length === 1, 'the error');
    expect(errors[0].code).toBe('input-file-unreadable');
    expect(errors[0].message).toMatch(/broken\.png: not a readable image .*skipped/);
    await writeFile(join(directory, 'good.png'), await renderQrPng('CP1:GOOD'));
    await until(() => frames.length === 1, 'the good image');
    expect(await textOf(frames[0])).toBe('CP1:GOOD');
  });

  it('emits a single image once and ends, or repeats it at fps with loop', async () => {
    const image = join(directory, 'pass.png');
    await writeFile(image, await renderQrPng('CP1:SINGLE'));
    const once = new FileFrameSource({ path: image, fps: 15, loop: false });
    const first = collect(once);
    await once.start();
    await until(first.isEnded, 'the end');
    expect(first.frames).toHaveLength(1);
    expect(await textOf(first.frames[0])).toBe('CP1:SINGLE');

    const looping = new FileFrameSource({ path: image, fps: 20, loop: true });
    const second = collect(looping);
    await looping.start();
    await until(() => second.frames.length >= 4, 'repeated frames');
    expect(second.isEnded()).toBe(false);
  });

  it('reads a video file through ffmpeg at the configured rate', async () => {
    const frames = join(directory, 'frames');
    await mkdir(frames);
    for (let i = 0; i < 3; i++) await writeFile(join(frames, `f${i}.png`), await greyFrameToPng(await renderQrFrame(`CP1:VIDEO-${i}`)));
    const video = join(directory, 'demo.mkv');
    await run('ffmpeg', [
      '-hide_banner',
      '-loglevel',
      'error',
      '-framerate',
      '5',
      '-i',
      join(frames, 'f%d.png'),
      '-c:v',
      'ffv1',
      '-pix_fmt',
      'gray',
      video,
    ]);
    const source = new FileFrameSource({ path: video, fps: 5, loop: false });
    const { frames: read, errors, isEnded } = collect(source);
    await source.start();
    await until(isEnded, 'the end of the video');
    expect(errors).toEqual([]);
    expect(await Promise.all(read.map(textOf))).toEqual(['CP1:VIDEO-0', 'CP1:VIDEO-1', 'CP1:VIDEO-2']);
  });

  it('fails to start on a path that does not exist, naming it', async () => {
    const missing = join(directory, 'nothing-here.png');
    await expect(new FileFrameSource({ path: missing, fps: 15, loop: false }).start()).rejects.toThrow(
      new RegExp(`${missing}: cannot read it .*expected an image, a directory or a video file`),
    );
  });
});
