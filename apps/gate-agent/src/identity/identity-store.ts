import { join } from 'node:path';
import { z } from 'zod';
import { gateEnrollResponseSchema, type GateEnrollResponse } from '@campuspass/contracts';
import { GateIdentity } from './gate-identity.js';
import { IdentityError, IdentityErrorCode } from './identity.error.js';
import { readSecretFile, writeSecretFileAtomic } from './secret-file.js';

export const IDENTITY_FILE = 'identity.json';
export const ENROLLMENT_FILE = 'enrollment.json';
const IDENTITY_FORMAT = 'campuspass.gate-identity/1';
const ENROLLMENT_FORMAT = 'campuspass.gate-enrollment/1';

const identityFileSchema = z.strictObject({
  format: z.literal(IDENTITY_FORMAT),
  /** PKCS#8 PEM of the Ed25519 private key. */
  privateKeyPem: z.string().startsWith('-----BEGIN PRIVATE KEY-----'),
  publicKey: z.string().regex(/^[0-9a-f]{64}$/),
  createdAt: z.iso.datetime({ offset: false }),
});

const enrollmentFileSchema = z.strictObject({
  format: z.literal(ENROLLMENT_FORMAT),
  /** The identity public key this enrollment registered: an enrollment never outlives its key. */
  identityPublicKey: z.string().regex(/^[0-9a-f]{64}$/),
  enrolledAt: z.iso.datetime({ offset: false }),
  portalUrl: z.string().min(1),
  response: gateEnrollResponseSchema,
});

/** What the portal answered at enrollment, pinned on the gate. */
export interface GateEnrollment extends GateEnrollResponse {
  readonly enrolledAt: Date;
  readonly portalUrl: string;
}

/**
 * The gate's identity key (`<dataDir>/identity.json`) and its enrollment (`<dataDir>/enrollment.json`), both mode
 * 0600, written atomically, re-validated on every read (a hand edit or a torn write is refused with the file named).
 */
export class IdentityStore {
  readonly identityPath: string;
  readonly enrollmentPath: string;

  constructor(dataDir: string) {
    this.identityPath = join(dataDir, IDENTITY_FILE);
    this.enrollmentPath = join(dataDir, ENROLLMENT_FILE);
  }

  async loadIdentity(): Promise<GateIdentity | undefined> {
    const text = await readSecretFile(this.identityPath);
    if (text === undefined) return undefined;
    const data = parseJson(this.identityPath, text, identityFileSchema);
    let identity: GateIdentity;
    try {
      identity = GateIdentity.fromPem(data.privateKeyPem, new Date(data.createdAt));
    } catch (error) {
      throw corrupt(this.identityPath, `the private key does not load: ${(error as Error).message}`, error);
    }
    if (identity.publicKeyHex !== data.publicKey) throw corrupt(this.identityPath, 'the public key does not match the private key');
    return identity;
  }

  /** The stored identity, or a new key pair saved durably before it is returned. */
  async loadOrCreateIdentity(now: Date = new Date()): Promise<{ identity: GateIdentity; created: boolean }> {
    const existing = await this.loadIdentity();
    if (existing) return { identity: existing, created: false };
    const identity = GateIdentity.generate(now);
    await writeSecretFileAtomic(
      this.identityPath,
      `${JSON.stringify(
        { format: IDENTITY_FORMAT, privateKeyPem: identity.toPem(), publicKey: identity.publicKeyHex, createdAt: now.toISOString() },
        null,
        2,
      )}\n`,
    );
    return { identity, created: true };
  }

  /** The pinned enrollment of `identity`; undefined when the gate is not enrolled (or was enrolled with another key). */
  async loadEnrollment(identity: GateIdentity): Promise<GateEnrollment | undefined> {
    const text = await readSecretFile(this.enrollmentPath);
    if (text === undefined) return undefined;
    const data = parseJson(this.enrollmentPath, text, enrollmentFileSchema);
    if (data.identityPublicKey !== identity.publicKeyHex) {
      throw corrupt(
        this.enrollmentPath,
        `it was made for identity key ${data.identityPublicKey.slice(0, 16)}…, not this gate's ${identity.publicKeyHex.slice(0, 16)}…; delete it and enroll again`,
      );
    }
    return { ...data.response, enrolledAt: new Date(data.enrolledAt), portalUrl: data.portalUrl };
  }

  async saveEnrollment(
    identity: GateIdentity,
    portalUrl: string,
    response: GateEnrollResponse,
    now: Date = new Date(),
  ): Promise<GateEnrollment> {
    const record = {
      format: ENROLLMENT_FORMAT,
      identityPublicKey: identity.publicKeyHex,
      enrolledAt: now.toISOString(),
      portalUrl,
      response: gateEnrollResponseSchema.parse(response),
    };
    await writeSecretFileAtomic(this.enrollmentPath, `${JSON.stringify(record, null, 2)}\n`);
    return { ...record.response, enrolledAt: now, portalUrl };
  }
}

function parseJson<T>(filePath: string, text: string, schema: z.ZodType<T>): T {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw corrupt(filePath, 'not JSON', error);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw corrupt(filePath, `${issue?.path.join('.') || 'file'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

function corrupt(filePath: string, what: string, cause?: unknown): IdentityError {
  return new IdentityError(
    IdentityErrorCode.Corrupt,
    `${filePath} is not a file this agent wrote (${what}); restore it from a backup, or delete it and enroll the gate again with a new code`,
    { cause },
  );
}
