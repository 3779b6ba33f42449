// QR decoding on 640×480 grey frames: jsqr vs zxing-wasm, with a code, a rotated code, and noise without a code.
// Run after `npm run build:ts`: node test/bench/qr-decode.bench.mjs. Results are written up in docs/benchmarks.md.
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { JsqrDecoder } from '../../apps/gate-agent/dist/decoder/jsqr/jsqr-decoder.adapter.js';
import { ZxingDecoder } from '../../apps/gate-agent/dist/decoder/zxing/zxing-decoder.adapter.js';
import { noiseFrame, renderQrFrame } from '../../apps/gate-agent/dist/decoder/testing/qr-test-frames.js';

const vectors = JSON.parse(readFileSync(new URL('../../libs/pass-token/test-vectors.json', import.meta.url), 'utf8')).vectors;
const pass = vectors.find((vector) => vector.name === 'alumni-day-basic').qrText;

const frames = {
  code: await renderQrFrame(pass),
  'code, rotated 30°': await renderQrFrame(pass, { rotateDegrees: 30, codeSize: 230 }),
  'noise, no code': noiseFrame(640, 480, 40, 3),
};

/** Decodes `frame` for about `ms` milliseconds after a warm-up; returns the per-frame times. */
async function measure(decoder, frame, ms = Number(process.env.BENCH_MS ?? 3000)) {
  const warmUntil = performance.now() + 300;
  while (performance.now() < warmUntil) await decoder.decode(frame);
  const times = [];
  const cpuBefore = process.cpuUsage();
  const end = performance.now() + ms;
  let found;
  while (performance.now() < end || times.length < 20) {
    const start = performance.now();
    found = await decoder.decode(frame);
    times.push(performance.now() - start);
  }
  const cpu = process.cpuUsage(cpuBefore);
  // CPU time of this process per frame: closer to what one free core gives when the machine is busy.
  const cpuMs = (cpu.user + cpu.system) / 1000 / times.length;
  times.sort((a, b) => a - b);
  const quantile = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
  return {
    cpuMs,
    median: quantile(0.5),
    p95: quantile(0.95),
    fps: 1000 / (times.reduce((sum, t) => sum + t, 0) / times.length),
    found: found?.text === pass,
    n: times.length,
  };
}

console.log(`node ${process.version}, ${process.arch}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}`);
console.log(
  `${'decoder'.padEnd(12)}${'frame'.padEnd(20)}${'median ms'.padStart(10)}${'p95 ms'.padStart(9)}${'frames/s'.padStart(10)}${'CPU ms'.padStart(8)}${'frames/CPU-s'.padStart(14)}  found  n`,
);
const decoders = [new JsqrDecoder(), await ZxingDecoder.create()];
for (const decoder of decoders) {
  for (const [name, frame] of Object.entries(frames)) {
    const result = await measure(decoder, frame);
    console.log(
      `${decoder.engine.padEnd(12)}${name.padEnd(20)}${result.median.toFixed(2).padStart(10)}${result.p95.toFixed(2).padStart(9)}${result.fps.toFixed(0).padStart(10)}${result.cpuMs.toFixed(2).padStart(8)}${(1000 / result.cpuMs).toFixed(0).padStart(14)}  ${String(result.found).padEnd(5)}  ${result.n}`,
    );
  }
  await decoder.close();
}
