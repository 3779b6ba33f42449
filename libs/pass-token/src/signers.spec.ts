import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { outcomeOf } from '../test/support.js';
import { createNodeSigner, createNodeVerifier, generateKeyPair } from './node.js';
import { hasCanonicalScalar } from './signature.js';
import { createTweetnaclSigner, createTweetnaclVerifier } from './tweetnacl.js';

// RFC 8032 section 7.1, TEST 2: a one-byte message.
const RFC8032_SEED = '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb';
const RFC8032_PUBLIC_KEY = '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c';
const RFC8032_SIGNATURE =
  '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00';

const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, 'hex'));
const GROUP_ORDER = (1n << 252n) + 27742317777372353535851937790883648493n;

function withScalar(signature: Uint8Array, scalar: bigint): Uint8Array {
  const copy = signature.slice();
  for (let index = 0; index < 32; index++) copy[32 + index] = Number((scalar >> BigInt(8 * index)) & 0xffn);
  return copy;
}
function scalarOf(signature: Uint8Array): bigint {
  let scalar = 0n;
  for (let index = 31; index >= 0; index--) scalar = (scalar << 8n) | BigInt(signature[32 + index]!);
  return scalar;
}

const backends = [
  { name: 'node:crypto', signer: createNodeSigner, verifier: createNodeVerifier() },
  { name: 'tweetnacl', signer: createTweetnaclSigner, verifier: createTweetnaclVerifier() },
] as const;

describe.each(backends)('$name backend', ({ signer: createSigner, verifier }) => {
  it('reproduces the RFC 8032 test vector', () => {
    const signer = createSigner(hex(RFC8032_SEED));
    expect(Buffer.from(signer.publicKey).toString('hex')).toBe(RFC8032_PUBLIC_KEY);
    expect(Buffer.from(signer.sign(Uint8Array.of(0x72))).toString('hex')).toBe(RFC8032_SIGNATURE);
    expect(verifier.verify(Uint8Array.of(0x72), hex(RFC8032_SIGNATURE), hex(RFC8032_PUBLIC_KEY))).toBe(true);
    expect(verifier.verify(Uint8Array.of(0x73), hex(RFC8032_SIGNATURE), hex(RFC8032_PUBLIC_KEY))).toBe(false);
  });

  it('returns false, never throws, for malformed signatures and keys', () => {
    const message = Uint8Array.of(0x72);
    expect(verifier.verify(message, hex(RFC8032_SIGNATURE).subarray(0, 63), hex(RFC8032_PUBLIC_KEY))).toBe(false);
    expect(verifier.verify(message, hex(RFC8032_SIGNATURE), hex(RFC8032_PUBLIC_KEY).subarray(0, 31))).toBe(false);
    expect(verifier.verify(message, new Uint8Array(64), new Uint8Array(32))).toBe(false);
    expect(verifier.verify(message, new Uint8Array(64).fill(0xff), new Uint8Array(32).fill(0xff))).toBe(false);
  });

  it('refuses a non-canonical signature (S + L) of a valid one', () => {
    const signature = hex(RFC8032_SIGNATURE);
    const malleated = withScalar(signature, scalarOf(signature) + GROUP_ORDER);
    expect(verifier.verify(Uint8Array.of(0x72), malleated, hex(RFC8032_PUBLIC_KEY))).toBe(false);
  });

  it('refuses seeds that are not 32 bytes', () => {
    expect(outcomeOf(() => createSigner(new Uint8Array(31)))).toBe('bad-key');
    expect(outcomeOf(() => createSigner(new Uint8Array(64)))).toBe('bad-key');
  });
});

describe('node:crypto and tweetnacl', () => {
  it('derive the same public key and byte-identical signatures from any seed, and each verifies the other', () => {
    const nodeVerifier = createNodeVerifier();
    const naclVerifier = createTweetnaclVerifier();
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 120 }), (seed, message) => {
        const nodeSigner = createNodeSigner(seed);
        const naclSigner = createTweetnaclSigner(seed);
        expect(nodeSigner.publicKey).toEqual(naclSigner.publicKey);
        const signature = nodeSigner.sign(message);
        expect(naclSigner.sign(message)).toEqual(signature);
        expect(naclVerifier.verify(message, signature, nodeSigner.publicKey)).toBe(true);
        expect(nodeVerifier.verify(message, signature, naclSigner.publicKey)).toBe(true);
      }),
      { numRuns: 12 },
    );
  });

  it('only the canonical-S check keeps raw tweetnacl from accepting a malleated signature', () => {
    // Documents why hasCanonicalScalar exists: the check, not tweetnacl, refuses S + L.
    const signature = hex(RFC8032_SIGNATURE);
    const malleated = withScalar(signature, scalarOf(signature) + GROUP_ORDER);
    expect(hasCanonicalScalar(signature)).toBe(true);
    expect(hasCanonicalScalar(malleated)).toBe(false);
    expect(hasCanonicalScalar(withScalar(signature, GROUP_ORDER - 1n))).toBe(true);
    expect(hasCanonicalScalar(withScalar(signature, GROUP_ORDER))).toBe(false);
  });
});

describe('generateKeyPair', () => {
  it('returns a fresh 32-byte seed and the public key both backends derive from it', () => {
    const first = generateKeyPair();
    const second = generateKeyPair();
    expect(first.seed).toHaveLength(32);
    expect(first.seed).not.toEqual(second.seed);
    expect(first.publicKey).toEqual(createTweetnaclSigner(first.seed).publicKey);
  });
});

describe('createNodeVerifier', () => {
  it('keeps verifying correctly when its key cache overflows', () => {
    const verifier = createNodeVerifier({ maxCachedKeys: 2 });
    const signers = [1, 2, 3, 4].map((fill) => createNodeSigner(new Uint8Array(32).fill(fill)));
    const message = Uint8Array.of(1, 2, 3);
    for (let round = 0; round < 2; round++) {
      for (const signer of signers) {
        expect(verifier.verify(message, signer.sign(message), signer.publicKey)).toBe(true);
        expect(verifier.verify(message, signers[0]!.sign(message), signer.publicKey)).toBe(signer === signers[0]);
      }
    }
  });
});
