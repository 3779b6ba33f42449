// Checks the valid test vectors WITHOUT this library's code: plain node:crypto over the bytes as
// FORMAT.md documents them, a separate base45 encoder, and fields read at the documented offsets.
// If the library and FORMAT.md ever disagree, this is where it shows.
import { describe, expect, it } from '@jest/globals';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { keyNamed, loadTestVectors } from '../test/test-vector-file.js';

const file = loadTestVectors();
const SPKI_ED25519_PREFIX = '302a300506032b6570032100';

/** RFC 9285 section 4, written out independently of src/base45.ts. */
function referenceBase45(bytes: Buffer): string {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
  const out: string[] = [];
  for (let index = 0; index < bytes.length; index += 2) {
    if (index + 1 < bytes.length) {
      let n = bytes.readUInt16BE(index);
      for (let digit = 0; digit < 3; digit++, n = Math.floor(n / 45)) out.push(alphabet[n % 45]!);
    } else {
      const n = bytes[index]!;
      out.push(alphabet[n % 45]!, alphabet[Math.floor(n / 45)]!);
    }
  }
  return out.join('');
}

const signedVectors = file.vectors.filter((vector) => vector.signedBy !== undefined && vector.bytesHex !== undefined);

describe('test vectors, checked with plain node:crypto and the FORMAT.md offsets', () => {
  it('cover both kinds', () => {
    expect(signedVectors.filter((vector) => vector.expected.verdict === 'valid').length).toBeGreaterThanOrEqual(4);
  });

  it.each(signedVectors)('$name: QR text is "CP1:" + base45 of the bytes', (vector) => {
    expect(vector.qrText).toBe(`CP1:${referenceBase45(Buffer.from(vector.bytesHex!, 'hex'))}`);
  });

  it.each(signedVectors)('$name: the last 64 bytes are an Ed25519 signature of all bytes before them by the named key', (vector) => {
    const bytes = Buffer.from(vector.bytesHex!, 'hex');
    const key = keyNamed(file, vector.signedBy!);
    const publicKey = createPublicKey({ key: Buffer.from(SPKI_ED25519_PREFIX + key.publicKeyHex, 'hex'), format: 'der', type: 'spki' });
    const signedBytes = bytes.subarray(0, bytes.length - 64);
    const signature = bytes.subarray(bytes.length - 64);
    expect(verify(null, signedBytes, publicKey, signature)).toBe(true);
    // The kid at offset 2 is SHA-256(public key)[0..8).
    const kid = createHash('sha256').update(Buffer.from(key.publicKeyHex, 'hex')).digest().subarray(0, 8);
    expect(bytes.subarray(2, 10).toString('hex')).toBe(kid.toString('hex'));
    expect(key.kidHex).toBe(kid.toString('hex'));
  });

  it.each(signedVectors)('$name: fields sit at the documented offsets', (vector) => {
    const bytes = Buffer.from(vector.bytesHex!, 'hex');
    const fields = vector.fields!;
    expect(bytes[0]).toBe(1); // version
    expect(bytes[1]).toBe(fields.kind === 'alumni-day' ? 1 : 2);
    expect(bytes.length).toBe(fields.kind === 'alumni-day' ? 99 : 100);
    expect(bytes.subarray(10, 26).toString('hex')).toBe(fields.passId);
    expect(bytes.readUInt16BE(26)).toBe(fields.campusDay);
    expect(bytes.readUInt16BE(28)).toBe(fields.scope);
    expect(bytes[30]).toBe(fields.flags.singleEntry ? 1 : 0);
    if (fields.kind === 'alumni-day') {
      expect(bytes.readUInt32BE(31)).toBe(fields.ecardId);
    } else {
      expect(bytes.readUInt32BE(31)).toBe(fields.hostEcardId);
      expect(bytes[35]).toBe(fields.guestIndex);
    }
    // The campus day counts days since 1970-01-01 on the Hong Kong calendar.
    expect(new Date(fields.campusDay * 86_400_000).toISOString().slice(0, 10)).toBe(vector.campusDate);
  });

  it('plain node:crypto refuses the tampered signature vectors too', () => {
    const tampered = file.vectors.filter(
      (vector) => vector.name.startsWith('bad-signature-') && vector.name !== 'bad-signature-borrowed-kid',
    );
    expect(tampered.length).toBeGreaterThanOrEqual(3);
    const keyA = keyNamed(file, 'key-a');
    const publicKey = createPublicKey({ key: Buffer.from(SPKI_ED25519_PREFIX + keyA.publicKeyHex, 'hex'), format: 'der', type: 'spki' });
    for (const vector of tampered) {
      const bytes = Buffer.from(vector.bytesHex!, 'hex');
      expect(verify(null, bytes.subarray(0, bytes.length - 64), publicKey, bytes.subarray(bytes.length - 64))).toBe(false);
    }
  });
});
