import { createHash, createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { GATE_ID_HEADER, GATE_SIGNATURE_HEADER, GATE_TIMESTAMP_HEADER, gateRequestSigningInput } from '@campuspass/contracts';

/** A gate's identity key: the private key stays with the gate; the raw public key is enrolled. */
export interface GateKeyPair {
  readonly privateKey: KeyObject;
  /** Raw 32-byte Ed25519 public key. */
  readonly publicKey: Buffer;
}

export function newGateKeyPair(): GateKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const jwk = publicKey.export({ format: 'jwk' });
  return { privateKey, publicKey: Buffer.from(jwk.x!, 'base64url') };
}

/** A gate key pair from a fixed 32-byte seed (PKCS#8 DER of an Ed25519 seed), for reproducible keys. */
export function gateKeyPairFromSeed(seed: Uint8Array): GateKeyPair {
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.from(seed)]);
  const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  const jwk = privateKey.export({ format: 'jwk' });
  return { privateKey, publicKey: Buffer.from(jwk.x!, 'base64url') };
}

export interface GateRequestToSign {
  readonly gateId: string;
  readonly privateKey: KeyObject;
  readonly method: string;
  /** Path with query exactly as sent, e.g. `/api/gate/bundle?since=12`. */
  readonly pathWithQuery: string;
  readonly body?: Uint8Array | string;
  /** Unix seconds; default now. */
  readonly timestamp?: number;
}

/**
 * The headers of a gate's signed request (libs/contracts gateRequestSigningInput): x-gate-id,
 * x-gate-timestamp (Unix seconds) and x-gate-signature (Ed25519, base64) over method, path, timestamp and the
 * body's SHA-256.
 */
export function signGateRequest(request: GateRequestToSign): Record<string, string> {
  const timestamp = String(request.timestamp ?? Math.floor(Date.now() / 1000));
  const bodySha256 = createHash('sha256')
    .update(request.body ?? '')
    .digest('hex');
  const input = gateRequestSigningInput(request.method, request.pathWithQuery, timestamp, bodySha256);
  const signature = sign(null, Buffer.from(input, 'utf8'), request.privateKey).toString('base64');
  return { [GATE_ID_HEADER]: request.gateId, [GATE_TIMESTAMP_HEADER]: timestamp, [GATE_SIGNATURE_HEADER]: signature };
}
