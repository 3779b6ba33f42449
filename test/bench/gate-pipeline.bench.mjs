// The gate's whole scan pipeline on 640×480 grey frames, as the agent runs it: decode (each decoder) → decideScan
// (Ed25519 with node:crypto, bundle policy) → outbox.append (SQLite, WAL, synchronous=FULL: the durable commit) →
// relay.pulse (serial LCUS-1 frame over a real socat pty pair, read by the relay-board emulator in another process).
// Reports decode+verify+decide median/p99 per decoder with a pass and on noise, frames/s one core sustains, the
// scan-to-relay-command latency and the RSS of this process.
// Run after `npm run build:ts`: node test/bench/gate-pipeline.bench.mjs (BENCH_MS per case, default 3000; RELAY_N
// scans for the latency, default 60). Needs socat. Results are written up in docs/benchmarks.md.
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { encodePass } from '@campuspass/pass-token';
import { GATE_EVENT_FORMAT } from '@campuspass/contracts';
import { JsqrDecoder } from '../../apps/gate-agent/dist/decoder/jsqr/jsqr-decoder.adapter.js';
import { prepareFrame, WHOLE_FRAME } from '../../apps/gate-agent/dist/decoder/preprocess.js';
import { noiseFrame, renderQrFrame } from '../../apps/gate-agent/dist/decoder/testing/qr-test-frames.js';
import { ZxingDecoder } from '../../apps/gate-agent/dist/decoder/zxing/zxing-decoder.adapter.js';
import { loadRelayBoardTable } from '../../apps/gate-agent/dist/hardware/serial-relay/relay-board-table.js';
import { SerialRelay } from '../../apps/gate-agent/dist/hardware/serial-relay/serial-relay.adapter.js';
import { SqliteGateStore } from '../../apps/gate-agent/dist/store/sqlite/sqlite-gate-store.js';
import { decideScan } from '../../apps/gate-agent/dist/verify/decide-scan.js';
import { createSignatureVerifier } from '../../apps/gate-agent/dist/verify/signature-verifier.js';
import { benchBundle, GATE_ID, now, signer, today } from './gate-bench-fixtures.mjs';

const BENCH_MS = Number(process.env.BENCH_MS ?? 3000);
const RELAY_N = Number(process.env.RELAY_N ?? 60);
const mb = (bytes) => Math.round(bytes / 1024 / 1024);
let peakRss = process.memoryUsage().rss;
const sampleRss = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));

// --- A real pass and a bundle of the usual size (2 keys, 2,000 passes with display data, 200 revocations). ---
const passFields = {
  kind: 'alumni-day',
  passId: randomBytes(16).toString('hex'),
  campusDay: today,
  scope: 0,
  flags: { singleEntry: false },
  ecardId: 4711,
};
const qrText = encodePass(passFields, signer).qrText;
const { state } = benchBundle({ passIds: [passFields.passId], firstEcardId: 4711 });

// --- The durable store, as on a gate (a temp dir on this machine's disk, not tmpfs if /tmp is a disk). ---
const dataDir = mkdtempSync(join(os.tmpdir(), 'gate-bench-'));
const store = new SqliteGateStore({
  filePath: join(dataDir, 'gate.sqlite'),
  outbox: { maxEvents: 1_000_000, retentionDays: 30, alertThreshold: 0.8 },
});
const scanContext = {
  bundle: state,
  clock: { now, trusted: true },
  usage: store.usage,
  verifier: createSignatureVerifier('node-crypto'),
  localPolicy: { reEntryWindowSeconds: 60, degradedClockPolicy: 'deny' },
};
const preprocess = { region: WHOLE_FRAME, downscale: 1 };

/** decode + verify + decide of one frame, as the decode loop and the agent do it; returns the decision or null. */
async function decodeAndDecide(decoder, frame) {
  const reading = await decoder.decode(prepareFrame(frame, preprocess));
  return reading === null ? null : decideScan(reading.text, scanContext);
}

function scanEvent(decision) {
  const pass = decision.pass;
  return {
    format: GATE_EVENT_FORMAT,
    eventId: randomUUID(),
    gateId: GATE_ID,
    type: 'scan',
    occurredAt: new Date().toISOString(),
    clockTrusted: true,
    bundleVersion: state.version,
    decision: decision.decision,
    reason: decision.reason ?? null,
    pass: pass
      ? { passId: pass.passId, kind: pass.kind, campusDay: pass.campusDay, ecardId: pass.ecardId, guestIndex: pass.guestIndex }
      : null,
    passage: null,
    scanEventId: null,
    operator: null,
    detail: null,
  };
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

/** Runs `fn` back to back for BENCH_MS after a 300 ms warm-up; wall times per call and CPU ms per call. */
async function measure(fn) {
  const warmUntil = performance.now() + 300;
  while (performance.now() < warmUntil) await fn();
  const times = [];
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const end = start + BENCH_MS;
  while (performance.now() < end || times.length < 20) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  const elapsed = performance.now() - start;
  const cpu = process.cpuUsage(cpuBefore);
  times.sort((a, b) => a - b);
  return {
    median: quantile(times, 0.5),
    p99: quantile(times, 0.99),
    fps: (times.length * 1000) / elapsed,
    cpuMs: (cpu.user + cpu.system) / 1000 / times.length,
    n: times.length,
  };
}

const cpuInfo = os.cpus();
console.log(
  `node ${process.version}, ${process.arch}, ${cpuInfo[0]?.model ?? 'unknown CPU'} × ${cpuInfo.length}, load ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);

const frames = { pass: await renderQrFrame(qrText), 'noise, no code': noiseFrame(640, 480, 40, 3) };

if (process.argv[2] === '--rss-child') {
  // A process shaped like the gate's: one decoder (zxing-wasm, the default), the bundle, the store; frames without
  // a code most of the time and a pass every 10th frame, each grant committed to the outbox. Prints its RSS.
  const decoder = await ZxingDecoder.create();
  let frameCount = 0;
  const step = async () => {
    const decision = await decodeAndDecide(decoder, frameCount++ % 10 === 0 ? frames.pass : frames['noise, no code']);
    if (decision) store.outbox.append(scanEvent(decision));
  };
  const warmUntil = performance.now() + 1000;
  while (performance.now() < warmUntil) await step();
  const afterWarmUp = process.memoryUsage().rss;
  const end = performance.now() + 2 * BENCH_MS;
  while (performance.now() < end) {
    await step();
    if (frameCount % 20 === 0) sampleRss();
  }
  await decoder.close();
  store.close();
  rmSync(dataDir, { recursive: true, force: true });
  process.stdout.write(
    `${JSON.stringify({ afterWarmUp, peakSampled: peakRss, maxRss: process.resourceUsage().maxRSS * 1024, frames: frameCount })}\n`,
  );
  process.exit(0);
}

const decoders = [await ZxingDecoder.create(), new JsqrDecoder()];

// --- 1. decode + verify + decide, per decoder, with a pass and on noise. ---
console.log('\n1. decode + verify + decide, 640×480 grey frame (one thread, back to back)');
console.log(
  `${'decoder'.padEnd(12)}${'frame'.padEnd(16)}${'median ms'.padStart(10)}${'p99 ms'.padStart(10)}${'frames/s'.padStart(10)}${'CPU ms'.padStart(9)}${'frames/CPU-s'.padStart(14)}${'n'.padStart(7)}`,
);
const results = {};
for (const decoder of decoders) {
  for (const [name, frame] of Object.entries(frames)) {
    const check = await decodeAndDecide(decoder, frame);
    const expected = name === 'pass' ? 'granted' : null;
    if ((check?.decision ?? null) !== expected)
      throw new Error(`bench setup: ${decoder.engine} on ${name} gave ${JSON.stringify(check)}, expected ${expected}`);
    const result = await measure(() => decodeAndDecide(decoder, frame));
    results[`${decoder.engine}/${name}`] = result;
    console.log(
      `${decoder.engine.padEnd(12)}${name.padEnd(16)}${result.median.toFixed(2).padStart(10)}${result.p99.toFixed(2).padStart(10)}${result.fps.toFixed(0).padStart(10)}${result.cpuMs.toFixed(2).padStart(9)}${(1000 / result.cpuMs).toFixed(0).padStart(14)}${String(result.n).padStart(7)}`,
    );
  }
}

// --- 2. scan-to-relay-command latency over a socat pty pair to the relay-board emulator in its own process. ---
async function openPtyPair() {
  const child = spawn('socat', ['-d', '-d', 'pty,raw,echo=0', 'pty,raw,echo=0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const paths = await new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`socat reported no ptys within 5 s: ${text}`)), 5000);
    child.once('error', (error) => reject(new Error(`cannot run socat (apt-get install socat): ${error.message}`)));
    child.stderr.on('data', (chunk) => {
      text += chunk;
      const found = [...text.matchAll(/PTY is (\/dev\/\S+)/g)].map((match) => match[1]);
      if (found.length >= 2) {
        clearTimeout(timer);
        resolve(found);
      }
    });
  });
  return { a: paths[0], b: paths[1], close: () => child.kill('SIGTERM') };
}

// The emulator reports each switch with the epoch time (performance.timeOrigin + performance.now(), sub-ms) at
// which it read the bytes, so its clock and this process's are the same clock.
const EMULATOR = `
import { RelayBoardEmulator } from ${JSON.stringify(new URL('../../apps/gate-agent/dist/tools/relay-emulator/relay-board-emulator.js', import.meta.url).href)};
import { loadRelayBoardTable } from ${JSON.stringify(new URL('../../apps/gate-agent/dist/hardware/serial-relay/relay-board-table.js', import.meta.url).href)};
const emulator = new RelayBoardEmulator({ path: process.argv[1], table: loadRelayBoardTable('lcus-1'), onRecord: (record) => {
  process.stdout.write(JSON.stringify({ ...record, epochMs: performance.timeOrigin + record.monotonicMs }) + '\\n');
} });
await emulator.open();
process.stdout.write('ready\\n');
process.once('SIGTERM', () => emulator.close().then(() => process.exit(0)));
`;

const pty = await openPtyPair();
const emulator = spawn(process.execPath, ['--input-type=module', '-e', EMULATOR, pty.b], { stdio: ['ignore', 'pipe', 'inherit'] });
const switches = [];
let waiter;
let buffered = '';
await new Promise((resolve, reject) => {
  emulator.once('exit', (code) => reject(new Error(`relay emulator exited with ${code}`)));
  emulator.stdout.on('data', (chunk) => {
    buffered += chunk;
    let newline;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (line === 'ready') resolve();
      else {
        const record = JSON.parse(line);
        if (record.kind === 'switch') switches.push(record);
        waiter?.();
      }
    }
  });
});
const relay = new SerialRelay({ path: pty.a, channel: 1, baudRate: 9600, table: loadRelayBoardTable('lcus-1'), heartbeatMs: 600_000 });
await relay.open();
const waitForSwitches = async (count) => {
  const deadline = performance.now() + 5000;
  while (switches.length < count) {
    if (performance.now() > deadline) throw new Error(`relay emulator saw ${switches.length} switches, expected ${count}`);
    await new Promise((resolve) => {
      waiter = resolve;
      setTimeout(resolve, 50);
    });
  }
};
await waitForSwitches(1); // the "off" at open

const epochNow = () => performance.timeOrigin + performance.now();
const fastest = decoders.reduce((best, decoder) =>
  results[`${decoder.engine}/pass`].median < results[`${best.engine}/pass`].median ? decoder : best,
);
const latency = { total: [], decide: [], append: [], pulse: [] };
for (let i = 0; i < RELAY_N + 5; i++) {
  const before = switches.length;
  const arrived = epochNow(); // frame arrival
  const decision = await decodeAndDecide(fastest, frames.pass);
  const decided = epochNow();
  if (decision?.decision !== 'granted') throw new Error(`expected a grant, got ${JSON.stringify(decision)}`);
  store.outbox.append(scanEvent(decision)); // committed (fsync) before the relay moves
  const appended = epochNow();
  await relay.pulse(20);
  const pulsed = epochNow();
  await waitForSwitches(before + 2); // on, then off after the pulse
  const on = switches[before];
  if (!on.on || on.bytes !== 'a00101a2') throw new Error(`expected the LCUS-1 "on" frame, got ${JSON.stringify(on)}`);
  if (i < 5) continue; // warm-up
  latency.total.push(on.epochMs - arrived);
  latency.decide.push(decided - arrived);
  latency.append.push(appended - decided);
  latency.pulse.push(pulsed - appended);
}
console.log(`\n2. scan-to-relay-command latency, ${fastest.engine}, ${RELAY_N} grants (frame arrival → emulator read the "on" bytes)`);
for (const [name, values] of Object.entries(latency)) {
  values.sort((a, b) => a - b);
  const label = {
    total: 'total',
    decide: '  decode+verify+decide',
    append: '  outbox.append (fsync)',
    pulse: '  relay.pulse until written',
  }[name];
  console.log(
    `${label.padEnd(30)} median ${quantile(values, 0.5).toFixed(2).padStart(7)} ms   p99 ${quantile(values, 0.99).toFixed(2).padStart(7)} ms`,
  );
}

await relay.close();
emulator.kill('SIGTERM');
pty.close();
for (const decoder of decoders) await decoder.close();
store.close();
rmSync(dataDir, { recursive: true, force: true });

// --- 3. RSS of a gate-shaped process (its own child, one decoder), with and without the flag the gate runs with. ---
console.log('\n3. RSS of a process running the pipeline (zxing-wasm, bundle, SQLite store; 1 pass per 10 frames)');
const rssRuns = {};
for (const flags of [['--max-semi-space-size=1'], []]) {
  const child = spawn(process.execPath, [...flags, new URL(import.meta.url).pathname, '--rss-child'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: process.env,
  });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  const code = await new Promise((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`RSS child exited with ${code}`);
  const rss = JSON.parse(out.trim().split('\n').at(-1));
  rssRuns[flags.join(' ') || 'none'] = rss;
  console.log(
    `node flags ${(flags.join(' ') || 'none').padEnd(26)} after warm-up ${mb(rss.afterWarmUp)} MB, peak ${mb(Math.max(rss.peakSampled, rss.maxRss))} MB (${rss.frames} frames)`,
  );
}
const gateRss = rssRuns['--max-semi-space-size=1'];
const gatePeakMb = mb(Math.max(gateRss.peakSampled, gateRss.maxRss));
console.log(`this bench process (both decoders, jsqr on noise): peak ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
const best = results[`${fastest.engine}/pass`];
const bestNoise = results[`${fastest.engine}/noise, no code`];
const met = (ok) => (ok ? 'met' : 'NOT met');
console.log(`\nTargets (issue 5), ${fastest.engine}:`);
console.log(
  `  median decode+verify+decide ≤ 5 ms: ${best.median.toFixed(2)} ms (CPU ${best.cpuMs.toFixed(2)} ms) — ${met(best.median <= 5)}`,
);
console.log(
  `  no-code frame ≤ 10 ms: median ${bestNoise.median.toFixed(2)} ms, p99 ${bestNoise.p99.toFixed(2)} ms — ${met(bestNoise.median <= 10)}`,
);
console.log(`  gate RSS ≤ 120 MB: peak ${gatePeakMb} MB with --max-semi-space-size=1 — ${met(gatePeakMb <= 120)}`);
console.log(
  `load at the end ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
