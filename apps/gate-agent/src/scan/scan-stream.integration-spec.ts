import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { openPtyPair } from '../../../../test/support/pty-pair.js';
import { WHOLE_FRAME } from '../decoder/preprocess.js';
import { greyFrameToPng, renderQrFrame } from '../decoder/testing/qr-test-frames.js';
import { ZxingDecoder } from '../decoder/zxing/zxing-decoder.adapter.js';
import { createInputSource } from '../input/create-input-source.js';
import { ScanStream, type Scan } from './scan-stream.js';

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'campuspass-scan-stream-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('ScanStream', () => {
  it('turns a code held in front of the camera for many frames into one scan', async () => {
    const image = join(directory, 'held.png');
    await writeFile(image, await greyFrameToPng(await renderQrFrame('CP1:HELD-IN-VIEW')));
    const decoder = await ZxingDecoder.create();
    const stream = new ScanStream({
      input: await createInputSource({ type: 'file', path: image, fps: 20, loop: true }),
      decoder,
      preprocess: { region: WHOLE_FRAME, downscale: 1 },
      repeatHoldMs: 3000,
    });
    const scans: Scan[] = [];
    stream.on('scan', (scan) => scans.push(scan));
    try {
      await stream.start();
      await until(() => (stream.decodeStats?.codesFound ?? 0) >= 8, 'eight decoded frames');
    } finally {
      await stream.stop();
      await decoder.close();
    }
    expect(scans).toHaveLength(1);
    expect(scans[0]).toMatchObject({ text: 'CP1:HELD-IN-VIEW', via: 'camera' });
  });

  it('passes scanner lines through the same repeat suppression', async () => {
    const ptys = await openPtyPair();
    const stream = new ScanStream({
      input: await createInputSource({ type: 'serial-scanner', path: ptys.a, baudRate: 9600 }),
      preprocess: { region: WHOLE_FRAME, downscale: 1 },
      repeatHoldMs: 3000,
    });
    const scans: Scan[] = [];
    stream.on('scan', (scan) => scans.push(scan));
    const module = new SerialPort({ path: ptys.b, baudRate: 9600, autoOpen: false });
    try {
      await stream.start();
      await new Promise<void>((resolve, reject) => module.open((error) => (error ? reject(error) : resolve())));
      module.write('CP1:A\r\nCP1:A\r\nCP1:B\r\nCP1:A\r\n');
      await until(() => scans.length === 2, 'two scans');
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      await new Promise<void>((resolve) => (module.isOpen ? module.close(() => resolve()) : resolve()));
      await stream.stop();
      await ptys.close();
    }
    expect(scans.map((scan) => [scan.text, scan.via])).toEqual([
      ['CP1:A', 'scanner'],
      ['CP1:B', 'scanner'],
    ]);
  });
});
