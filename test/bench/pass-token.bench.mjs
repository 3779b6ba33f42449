// Throughput of the pass format: sign, verify (node:crypto vs tweetnacl), decode and encode.
// Run with `npm run bench` (builds first). Results are written up in docs/benchmarks.md.
import { randomBytes } from 'node:crypto';
import { createTweetnaclSigner, createTweetnaclVerifier, decodePass, encodePass, KeySet, verifyPass } from '@campuspass/pass-token';
import { createNodeSigner, createNodeVerifier } from '@campuspass/pass-token/node';

const seed = new Uint8Array(32).fill(7);
const nodeSigner = createNodeSigner(seed);
const naclSigner = createTweetnaclSigner(seed);
const keySet = new KeySet([{ publicKey: nodeSigner.publicKey }]);
const fields = (i) => ({
  kind: 'alumni-day',
  passId: randomBytes(16).toString('hex'),
  campusDay: 20_600,
  scope: 0,
  flags: { singleEntry: false },
  ecardId: 1 + (i % 100_000),
});
const passes = Array.from({ length: 256 }, (_, i) => encodePass(fields(i), nodeSigner).qrText);

/** Runs fn repeatedly for about `ms` milliseconds (after a warm-up) and reports operations per second. */
function measure(name, fn, ms = 1500) {
  const warmUntil = performance.now() + 200;
  let i = 0;
  while (performance.now() < warmUntil) fn(i++);
  let count = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let k = 0; k < 16; k++) fn(count++);
    now = performance.now();
  }
  const perSecond = (count * 1000) / (now - start);
  const microseconds = 1000_000 / perSecond;
  console.log(
    `${name.padEnd(36)} ${Math.round(perSecond).toLocaleString('en-US').padStart(10)} ops/s  ${microseconds.toFixed(1).padStart(8)} µs/op`,
  );
  return perSecond;
}

console.log(`node ${process.version}, ${process.arch}`);
measure('encode + sign (node:crypto)', (i) => encodePass(fields(i), nodeSigner));
measure('encode + sign (tweetnacl)', (i) => encodePass(fields(i), naclSigner), 1000);
measure('decode only (no signature check)', (i) => decodePass(passes[i % passes.length]));
const nodeVerifier = createNodeVerifier();
const naclVerifier = createTweetnaclVerifier();
measure('decode + verify (node:crypto)', (i) => verifyPass(passes[i % passes.length], keySet, nodeVerifier));
measure('decode + verify (tweetnacl)', (i) => verifyPass(passes[i % passes.length], keySet, naclVerifier), 1000);
measure('reject malformed text', () => {
  try {
    decodePass('CP1:NOT*A*PASS');
  } catch {
    // expected
  }
});
