import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { openPtyPair, type PtyPair } from '../../../../../test/support/pty-pair.js';
import type { InputError } from '../input.error.js';
import type { ScannedText, ScanSourceEvents } from '../scan-source.port.js';
import { SerialScannerSource } from './serial-scanner.adapter.js';

// A real serial line: socat links two ptys; the scanner adapter opens one end, the test plays the scanner
// module on the other.

let directory: string;
const cleanups: (() => Promise<void>)[] = [];

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'campuspass-scanner-'));
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await rm(directory, { recursive: true, force: true });
});

async function pair(): Promise<PtyPair> {
  const ptys = await openPtyPair({ linkA: join(directory, 'scanner'), linkB: join(directory, 'module') });
  cleanups.push(() => ptys.close());
  return ptys;
}

async function playScanner(path: string): Promise<SerialPort> {
  const port = new SerialPort({ path, baudRate: 9600, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
  cleanups.push(() => new Promise<void>((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve())));
  return port;
}

function startScanner(path: string) {
  const scanner = new SerialScannerSource({
    path,
    baudRate: 9600,
    maxLineBytes: 300,
    reopenBackoff: { initialDelayMs: 100, maxDelayMs: 400 },
  });
  const scans: ScannedText[] = [];
  const garbage: ScanSourceEvents['garbage'][0][] = [];
  const errors: InputError[] = [];
  scanner.on('scan', (scan) => scans.push(scan));
  scanner.on('garbage', (report) => garbage.push(report));
  scanner.on('error', (error) => errors.push(error));
  cleanups.push(() => scanner.stop());
  return { scanner, scans, garbage, errors };
}

// Not events.once: it rejects on the first 'error', and a retry may fail again while the test is still plugging in.
function opened(scanner: SerialScannerSource): Promise<void> {
  return new Promise((resolve) => scanner.once('open', () => resolve()));
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const PASS = 'CP1:W50NIPKVV$BNL$5OQ02FVI2JAE3SJF:.LR5TIZB$1A0000007H2X6HB';

describe('SerialScannerSource over a socat pty pair', () => {
  it('delivers each line as one scan, CR/LF stripped, and reports garbage lines', async () => {
    const ptys = await pair();
    const { scanner, scans, garbage } = startScanner(ptys.a);
    const isOpen = opened(scanner);
    await scanner.start();
    await isOpen;
    const module = await playScanner(ptys.b);
    module.write(`${PASS}\r\n`);
    module.write('CP1:SECOND\r');
    module.write(`${'X'.repeat(400)}\n`);
    module.write(Buffer.from([0x41, 0x07, 0x42, 0x0d]));
    module.write('CP1:LA');
    module.write('ST\n');
    await until(() => scans.length === 3 && garbage.length === 2, 'three scans and two garbage reports');
    expect(scans.map((scan) => scan.text)).toEqual([PASS, 'CP1:SECOND', 'CP1:LAST']);
    expect(garbage).toEqual([
      { reason: 'too-long', length: 400 },
      { reason: 'control-characters', length: 3 },
    ]);
  });

  it('reports a missing port and keeps retrying with backoff until the device appears', async () => {
    const path = join(directory, 'scanner');
    const { scanner, scans, errors } = startScanner(path);
    await scanner.start();
    await until(() => errors.length >= 2, 'two failed open attempts');
    expect(errors[0].code).toBe('input-port-unavailable');
    expect(errors[0].message).toContain(path);
    expect(errors[0].message).toMatch(/cannot open it .*retrying in 100 ms/);
    expect(errors[1].message).toMatch(/retrying in 200 ms/);
    const isOpen = opened(scanner);
    const ptys = await pair(); // plugged in
    await isOpen;
    const module = await playScanner(ptys.b);
    module.write('CP1:AFTER-PLUG\n');
    await until(() => scans.length === 1, 'a scan after the device appeared');
    expect(scans[0].text).toBe('CP1:AFTER-PLUG');
  });

  it('reopens the port after the scanner is unplugged and plugged back', async () => {
    const first = await pair();
    const { scanner, scans, errors } = startScanner(first.a);
    const isOpen = opened(scanner);
    await scanner.start();
    await isOpen;
    let module = await playScanner(first.b);
    module.write('CP1:BEFORE\n');
    await until(() => scans.length === 1, 'the first scan');

    await first.close(); // unplug: both ptys vanish
    await until(() => errors.length >= 1, 'the unplug to be noticed');
    expect(errors[0].code).toBe('input-port-unavailable');

    const reopened = opened(scanner);
    const second = await pair(); // plug back in under the same name
    await reopened;
    module = await playScanner(second.b);
    module.write('CP1:AFTER\n');
    await until(() => scans.length === 2, 'a scan after replugging');
    expect(scans.map((scan) => scan.text)).toEqual(['CP1:BEFORE', 'CP1:AFTER']);
  });
});
