import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

/** The gate's Ed25519 identity key, made on the gate; only its public half ever leaves it (at enrollment). */
export class GateIdentity {
  /** Raw 32-byte Ed25519 public key. */
  readonly publicKey: Uint8Array;

  private constructor(
    private readonly privateKey: KeyObject,
    readonly createdAt: Date,
  ) {
    const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
    this.publicKey = new Uint8Array(Buffer.from(jwk.x as string, 'base64url'));
  }

  static generate(now: Date = new Date()): GateIdentity {
    return new GateIdentity(generateKeyPairSync('ed25519').privateKey, now);
  }

  /** From the PKCS#8 PEM the agent stored; throws when it is not an Ed25519 private key. */
  static fromPem(privateKeyPem: string, createdAt: Date): GateIdentity {
    const key = createPrivateKey({ key: privateKeyPem, format: 'pem' });
    if (key.asymmetricKeyType !== 'ed25519')
      throw new Error(`expected an Ed25519 private key, found ${key.asymmetricKeyType ?? 'unknown'}`);
    return new GateIdentity(key, createdAt);
  }

  get publicKeyHex(): string {
    return Buffer.from(this.publicKey).toString('hex');
  }

  toPem(): string {
    return this.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  }

  /** Ed25519 signature of the UTF-8 bytes of `text`, base64 (88 characters). */
  signText(text: string): string {
    return sign(null, Buffer.from(text, 'utf8'), this.privateKey).toString('base64');
  }
}
