// Gate-side pass verification: a full offline decision (decideScan: decode, Ed25519, day, scope, kind,
// revocation, hours, anti-passback) per second with each selectable verifier, and raw Ed25519 verifications
// per second. Plain node on the BUILT code: `npm run build:ts && node test/bench/ed25519-verify.bench.mjs`.
// Results are written up in docs/benchmarks.md.
import os from 'node:os';
import { decodePass, encodePass, verifyPass } from '@campuspass/pass-token';
import { decideScan } from '../../apps/gate-agent/dist/verify/decide-scan.js';
import { createSignatureVerifier } from '../../apps/gate-agent/dist/verify/signature-verifier.js';
import { benchBundle, now, randomPassId, signer, today } from './gate-bench-fixtures.mjs';

// A realistic bundle: one active and one next key, 2,000 passes with display data, 200 revocations, weekday hours.
const passes = Array.from({ length: 256 }, (_, i) => {
  const fields = { kind: 'alumni-day', passId: randomPassId(), campusDay: today, scope: 0, flags: { singleEntry: false }, ecardId: 1 + i };
  return { fields, qrText: encodePass(fields, signer).qrText };
});
const { state } = benchBundle({ passIds: passes.map((pass) => pass.fields.passId) });
const usage = { get: () => undefined };
const context = (verifier) => ({
  bundle: state,
  clock: { now, trusted: true },
  usage,
  verifier,
  localPolicy: { reEntryWindowSeconds: 60, degradedClockPolicy: 'deny' },
});

/** Runs fn repeatedly for about `ms` milliseconds (after a warm-up) and reports operations per second. */
function measure(name, fn, ms = 1500) {
  const warmUntil = performance.now() + 200;
  let i = 0;
  while (performance.now() < warmUntil) fn(i++);
  let count = 0;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  let current = start;
  while (current - start < ms) {
    for (let k = 0; k < 4; k++) fn(count++);
    current = performance.now();
  }
  const perSecond = (count * 1000) / (current - start);
  // Per CPU-second of this process as well: on a shared, loaded machine wall-clock rates mostly measure the
  // other processes; CPU time is what one free core would sustain.
  const cpu = process.cpuUsage(cpuStart);
  const perCpuSecond = (count * 1_000_000) / (cpu.user + cpu.system);
  console.log(
    `${name.padEnd(44)} ${Math.round(perSecond).toLocaleString('en-US').padStart(9)} ops/s  ${(1000_000 / perSecond).toFixed(1).padStart(9)} µs/op` +
      `  ${Math.round(perCpuSecond).toLocaleString('en-US').padStart(9)} ops/CPU-s  ${(1000_000 / perCpuSecond).toFixed(1).padStart(8)} CPU-µs/op`,
  );
  return perSecond;
}

const cpu = os.cpus()[0];
console.log(
  `node ${process.version}, ${process.arch}, ${cpu?.model ?? 'unknown CPU'} × ${os.cpus().length}, load ${os.loadavg()[0].toFixed(2)}`,
);

const decoded = passes.map((pass) => decodePass(pass.qrText));
for (const name of ['node-crypto', 'tweetnacl']) {
  const verifier = createSignatureVerifier(name);
  const ctx = context(verifier);
  // Sanity: the bench measures grants, not early denials.
  const check = decideScan(passes[0].qrText, ctx);
  if (check.decision !== 'granted') throw new Error(`bench setup: expected a grant, got ${JSON.stringify(check)}`);
  const slow = name === 'tweetnacl';
  measure(
    `raw Ed25519 verify (${name})`,
    (i) => {
      const pass = decoded[i % decoded.length];
      if (!verifier.verify(pass.signedBytes, pass.signature, signer.publicKey)) throw new Error('verify failed');
    },
    slow ? 3000 : 1500,
  );
  measure(
    `decode + verifyPass, no policy (${name})`,
    (i) => verifyPass(passes[i % passes.length].qrText, state.keySet, verifier),
    slow ? 3000 : 1500,
  );
  measure(
    `decideScan, granted (${name})`,
    (i) => {
      if (decideScan(passes[i % passes.length].qrText, ctx).decision !== 'granted') throw new Error('not granted');
    },
    slow ? 3000 : 1500,
  );
}
const nodeContext = context(createSignatureVerifier('node-crypto'));
measure('decideScan, malformed text (any verifier)', (i) => decideScan(i % 2 ? 'https://example.com/' : 'CP1:%%%', nodeContext));
const wrongDay = encodePass({ ...passes[0].fields, passId: randomPassId(), campusDay: today + 1 }, signer).qrText;
measure('decideScan, wrong day (node-crypto)', () => decideScan(wrongDay, nodeContext));
console.log(`rss ${Math.round(process.memoryUsage().rss / 1024 / 1024)} MB`);
