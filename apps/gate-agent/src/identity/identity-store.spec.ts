import { createPublicKey, verify } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GateEnrollResponse } from '@campuspass/contracts';
import { IdentityStore } from './identity-store.js';
import { IdentityErrorCode } from './identity.error.js';
import { writeSecretFileAtomic } from './secret-file.js';

const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const ENROLLED: GateEnrollResponse = {
  gateId: '6f1c1d7e-3a52-4c1e-9a43-0b1f2e3d4c5b',
  gateName: 'North entrance, turnstile 1',
  bundlePublicKey: 'ab'.repeat(32),
  bundleKid: 'cd'.repeat(8),
  eventQueue: { redisUrl: 'redis://gate:secret@redis.example.edu:6379', prefix: 'campuspass' },
};

let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'gate-identity-'));
});

afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

describe('IdentityStore', () => {
  it('makes an Ed25519 key once, stores it with mode 0600 and loads the same key back', async () => {
    const store = new IdentityStore(join(dataDir, 'nested'));
    const first = await store.loadOrCreateIdentity();
    expect(first.created).toBe(true);
    expect(await modeOf(store.identityPath)).toBe(0o600);
    const again = await new IdentityStore(join(dataDir, 'nested')).loadOrCreateIdentity();
    expect(again.created).toBe(false);
    expect(again.identity.publicKeyHex).toBe(first.identity.publicKeyHex);
    // The loaded key signs what the public key verifies.
    const signature = again.identity.signText('hello gate');
    const publicKey = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, first.identity.publicKey]), format: 'der', type: 'spki' });
    expect(verify(null, Buffer.from('hello gate'), publicKey, Buffer.from(signature, 'base64'))).toBe(true);
    expect(signature).toHaveLength(88);
  });

  it('refuses a key file group or others can read, naming the file and the chmod that fixes it', async () => {
    const store = new IdentityStore(dataDir);
    await store.loadOrCreateIdentity();
    await chmod(store.identityPath, 0o644);
    await expect(store.loadIdentity()).rejects.toMatchObject({
      code: IdentityErrorCode.LoosePermissions,
      message: expect.stringContaining(`mode 644`),
    });
    await expect(store.loadOrCreateIdentity()).rejects.toThrow(`chmod 600 ${store.identityPath}`);
    await chmod(store.identityPath, 0o600);
    await expect(store.loadIdentity()).resolves.toBeDefined();
  });

  it('refuses an unreadable, a corrupt and a tampered key file instead of making a new identity', async () => {
    const store = new IdentityStore(dataDir);
    const { identity } = await store.loadOrCreateIdentity();
    const original = await readFile(store.identityPath, 'utf8');

    await writeSecretFileAtomic(store.identityPath, '{"format":');
    await expect(store.loadOrCreateIdentity()).rejects.toMatchObject({
      code: IdentityErrorCode.Corrupt,
      message: expect.stringContaining('not JSON'),
    });

    const other = JSON.parse(original) as Record<string, string>;
    other.publicKey = 'ef'.repeat(32);
    await writeSecretFileAtomic(store.identityPath, JSON.stringify(other));
    await expect(store.loadIdentity()).rejects.toThrow(/public key does not match the private key/);

    await writeSecretFileAtomic(store.identityPath, original);
    // Unreadable (the tests may run as root, who reads any file): a directory where the key file should be.
    const blocked = new IdentityStore(join(dataDir, 'blocked'));
    await mkdir(blocked.identityPath, { recursive: true, mode: 0o700 });
    await expect(blocked.loadOrCreateIdentity()).rejects.toMatchObject({
      code: IdentityErrorCode.Unreadable,
      message: expect.stringContaining(blocked.identityPath),
    });
    expect((await store.loadIdentity())?.publicKeyHex).toBe(identity.publicKeyHex);
  });

  it('pins the enrollment with mode 0600 and ties it to the identity key', async () => {
    const store = new IdentityStore(dataDir);
    const { identity } = await store.loadOrCreateIdentity();
    expect(await store.loadEnrollment(identity)).toBeUndefined();
    await store.saveEnrollment(identity, 'https://campuspass.example.edu', ENROLLED, new Date('2026-11-27T01:00:00.000Z'));
    expect(await modeOf(store.enrollmentPath)).toBe(0o600);
    expect(await store.loadEnrollment(identity)).toEqual({
      ...ENROLLED,
      portalUrl: 'https://campuspass.example.edu',
      enrolledAt: new Date('2026-11-27T01:00:00.000Z'),
    });

    const otherStore = new IdentityStore(join(dataDir, 'other'));
    const stranger = (await otherStore.loadOrCreateIdentity()).identity;
    await expect(store.loadEnrollment(stranger)).rejects.toThrow(/made for identity key .* delete it and enroll again/);

    await chmod(store.enrollmentPath, 0o640);
    await expect(store.loadEnrollment(identity)).rejects.toMatchObject({ code: IdentityErrorCode.LoosePermissions });
  });
});

describe('writeSecretFileAtomic', () => {
  it('replaces the whole file, leaves no temp file behind and keeps mode 0600 whatever the umask', async () => {
    const path = join(dataDir, 'secret.json');
    const oldMask = process.umask(0o000);
    try {
      await writeSecretFileAtomic(path, 'first');
      await writeSecretFileAtomic(path, 'second, longer text');
    } finally {
      process.umask(oldMask);
    }
    expect(await readFile(path, 'utf8')).toBe('second, longer text');
    expect(await modeOf(path)).toBe(0o600);
    expect(await readdir(dataDir)).toEqual(['secret.json']);
  });

  it('keeps the old file intact and says what to check when the write fails', async () => {
    const path = join(dataDir, 'secret.json');
    await writeSecretFileAtomic(path, 'kept');
    // A directory in the way of the rename: the write fails after the temp file was made.
    const blocked = join(dataDir, 'dir-target');
    await mkdir(join(blocked, 'inside'), { recursive: true });
    await expect(writeSecretFileAtomic(blocked, 'x')).rejects.toMatchObject({
      code: IdentityErrorCode.CannotWrite,
      message: expect.stringMatching(/cannot write .*dir-target.*writable/),
    });
    expect(await readFile(path, 'utf8')).toBe('kept');
    expect((await readdir(dataDir)).sort()).toEqual(['dir-target', 'secret.json']);
  });
});
