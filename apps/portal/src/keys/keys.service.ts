import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { bytesToHex, campusDayOf, kidOf, type CampusDay, type PassSigner } from '@campuspass/pass-token';
import { createNodeSigner, generateKeyPair } from '@campuspass/pass-token/node';
import { AuditService } from '../admin/audit.service.js';
import type { AuditActorType } from '../admin/audit-event.entity.js';
import { parseKeyEncryptionKey, type AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/app-config.module.js';
import { isPlainMultilineText } from '../profile/dto/profile-validators.js';
import { isKeysException, KeysException } from './keys.exception.js';
import { openPrivateKeyWithEither, sealPrivateKey, type KeyEncryptionKeys, type SealedPrivateKey } from './private-key-cipher.js';
import { SigningKeyEntity, type KeyPurpose, type KeyStatus } from './signing-key.entity.js';
import { SigningKeyRepository, type SigningKeyTransaction } from './signing-key.repository.js';

const DAY_MS = 86_400_000;

/** Who asked for a key change, for the audit log. */
export interface KeyActor {
  readonly type: Extract<AuditActorType, 'staff' | 'system'>;
  readonly id?: string;
  readonly ip?: string | null;
}

/** A signing key as shown to operators: never any private material. */
export interface KeyView {
  readonly id: string;
  readonly purpose: KeyPurpose;
  readonly kid: string;
  readonly status: KeyStatus;
  readonly publicKey: string;
  readonly notBeforeDay: number | null;
  readonly notAfterDay: number | null;
  readonly lastSignedDay: number | null;
  readonly createdAt: Date;
  readonly activatedAt: Date | null;
  readonly retiredAt: Date | null;
  readonly revokedAt: Date | null;
  readonly revocationReason: string | null;
}

/** A pass-signing public key a gate must trust, as it goes into the gate bundle (fits pass-token's PassKey). */
export interface PublishedPassKey {
  readonly kid: string;
  readonly status: Extract<KeyStatus, 'next' | 'active' | 'retired'>;
  readonly publicKey: Uint8Array;
  readonly notBeforeDay?: CampusDay;
  readonly notAfterDay?: CampusDay;
}

/** A signer for the active key of a purpose. The private key stays inside `signer`. */
export interface ActiveSigner {
  readonly keyId: string;
  readonly kid: string;
  readonly signer: PassSigner;
}

export type KeyChangeAction = 'created' | 'activated' | 'retired' | 'revoked';

export interface KeyChangeRecord {
  readonly action: KeyChangeAction;
  readonly key: KeyView;
}

export interface RotationResult {
  /** What changed, in order; empty when the keys were already as they should be. */
  readonly changes: readonly KeyChangeRecord[];
}

export interface RotateOptions {
  readonly now: Date;
  /** Promote the next key now, even if it has not been published for the lead time. */
  readonly force?: boolean;
  readonly actor?: KeyActor;
}

export interface RevokeOptions {
  readonly now: Date;
  /** Why (e.g. "private key copied off a backup"): required, REVOCATION_REASON_MIN to _MAX characters. */
  readonly reason: string;
  readonly actor: KeyActor;
}

export interface RewrapOptions {
  /** Report what would be re-sealed, write nothing (no row, no audit entry). */
  readonly dryRun?: boolean;
  readonly actor?: KeyActor;
}

export interface RewrapResult {
  readonly dryRun: boolean;
  /** Keys that opened only under KEY_ENCRYPTION_KEY_PREVIOUS: re-sealed under KEY_ENCRYPTION_KEY (or would be). */
  readonly resealed: readonly KeyView[];
  /** Keys already sealed under KEY_ENCRYPTION_KEY: left as they are. */
  readonly alreadyCurrent: readonly KeyView[];
}

export const REVOCATION_REASON_MIN = 3;
export const REVOCATION_REASON_MAX = 500;
const KID_PATTERN = /^[0-9a-f]{16}$/;

const AUDIT_ACTIONS: Readonly<Record<KeyChangeAction, string>> = {
  created: 'keys.create',
  activated: 'keys.activate',
  retired: 'keys.retire',
  revoked: 'keys.revoke',
};

const SYSTEM: KeyActor = { type: 'system', id: 'key-rotation' };

export function mapKey(key: SigningKeyEntity): KeyView {
  return {
    id: key.id,
    purpose: key.purpose,
    kid: key.kid,
    status: key.status,
    publicKey: key.publicKey.toString('base64'),
    notBeforeDay: key.notBeforeDay,
    notAfterDay: key.notAfterDay,
    lastSignedDay: key.lastSignedDay,
    createdAt: key.createdAt,
    activatedAt: key.activatedAt,
    retiredAt: key.retiredAt,
    revokedAt: key.revokedAt,
    revocationReason: key.revocationReason,
  };
}

/**
 * Pass- and bundle-signing keys: rotation (next → active → retired), what a gate must trust, and signers.
 * Decrypted keys live only in this service's memory, one PassSigner per key, and are never handed out raw.
 */
@Injectable()
export class KeysService {
  readonly #signers = new Map<string, PassSigner>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repository: SigningKeyRepository,
    private readonly audit: AuditService,
  ) {}

  async list(): Promise<KeyView[]> {
    return (await this.repository.list()).map(mapKey);
  }

  /** Pass keys a gate must trust on `today`: next and active keys, and retired keys whose passes are still valid. */
  async publishedKeys(today: CampusDay): Promise<PublishedPassKey[]> {
    return (await this.repository.findPublishedPassKeys(today)).map((key) => ({
      kid: key.kid,
      status: key.status as PublishedPassKey['status'],
      publicKey: new Uint8Array(key.publicKey),
      ...(key.notBeforeDay === null ? {} : { notBeforeDay: key.notBeforeDay }),
      ...(key.notAfterDay === null ? {} : { notAfterDay: key.notAfterDay }),
    }));
  }

  /**
   * The active key's signer. For passes, `forDay` is the campus day the pass is valid for: it is recorded on
   * the key before the signer is returned, so a retired key stays published until that day has passed.
   */
  async activeSigner(purpose: 'pass', forDay: CampusDay): Promise<ActiveSigner>;
  async activeSigner(purpose: 'bundle'): Promise<ActiveSigner>;
  async activeSigner(purpose: KeyPurpose, forDay?: CampusDay): Promise<ActiveSigner> {
    // A rotation may retire the key between the read and the record; then read the new active key.
    for (let attempt = 0; attempt < 3; attempt++) {
      const key = await this.repository.findByStatus(purpose, 'active');
      if (!key) {
        throw new KeysException(
          'no-active-key',
          `There is no active ${purpose}-signing key yet. Run "npm run portal -- keys:rotate" (or wait for the scheduled rotation) and try again.`,
        );
      }
      if (purpose === 'pass') {
        if (forDay === undefined || !Number.isSafeInteger(forDay) || forDay < 0) {
          throw new TypeError('a pass signer needs the campus day the pass is valid for');
        }
        if (key.notBeforeDay !== null && forDay < key.notBeforeDay) {
          throw new KeysException('key-state-conflict', `Key ${key.kid} may not sign passes for campus days before ${key.notBeforeDay}.`);
        }
        if (!(await this.repository.recordSigning(key.id, forDay))) continue;
      }
      return { keyId: key.id, kid: key.kid, signer: await this.signerFor(key) };
    }
    throw new KeysException('no-active-key', `The ${purpose}-signing key changed while it was being read. Try again.`);
  }

  /** The signer for gate bundles. */
  bundleSigner(): Promise<ActiveSigner> {
    return this.activeSigner('bundle');
  }

  /**
   * One rotation step, safe to run any number of times and from several processes at once:
   * - no active pass key: create one (first run) and a next key;
   * - no next pass key: create one (published in the bundle, not yet signing);
   * - the next key published for KEY_ROTATION_LEAD_DAYS and the active one signing for KEY_ROTATION_INTERVAL_DAYS
   *   (or `force`): the next key becomes active, the active one retired, and a new next key is created.
   * Also creates the bundle key on first run (bundle keys are not rotated automatically: gates pin them).
   */
  async rotate(options: RotateOptions): Promise<RotationResult> {
    const { now } = options;
    const today = campusDayOf(now);
    const kek = this.kek();
    const changes = await this.repository.withRotationLock(async (keys) => {
      const changes: KeyChangeRecord[] = [];
      if (!(await keys.findCurrent('bundle', 'active'))) {
        changes.push({ action: 'created', key: mapKey(await this.createKey(keys, kek, 'bundle', 'active', now, null)) });
      }
      const active = await keys.findCurrent('pass', 'active');
      let next = await keys.findCurrent('pass', 'next');
      if (!active) {
        changes.push({ action: 'created', key: mapKey(await this.createKey(keys, kek, 'pass', 'active', now, today)) });
      } else if (next && (options.force || this.promotionDue(active, next, now))) {
        changes.push(...(await this.promote(keys, active, next, now)));
        next = null;
      }
      if (!next) {
        changes.push({ action: 'created', key: mapKey(await this.createKey(keys, kek, 'pass', 'next', now, today)) });
      }
      return changes;
    });
    await this.auditChanges(changes, options.actor ?? SYSTEM, { force: options.force === true });
    return { changes };
  }

  /**
   * Takes a key out of use. A next key is withdrawn; an active pass key hands over to the next key (which must
   * exist: run a rotation first). A retired key stays published until its passes have expired.
   */
  async retire(id: string, options: { now: Date; actor: KeyActor }): Promise<RotationResult> {
    const changes = await this.repository.withRotationLock(async (keys) => {
      const key = await keys.findById(id);
      if (!key) throw new KeysException('key-not-found', 'There is no signing key with this id. Reload the key list.');
      if (key.status === 'next') {
        return [
          { action: 'retired', key: mapKey(await keys.update(key.id, { status: 'retired', retiredAt: options.now })) },
        ] as KeyChangeRecord[];
      }
      if (key.status !== 'active') {
        throw new KeysException('key-state-conflict', `Key ${key.kid} is already ${key.status}; nothing was changed.`);
      }
      if (key.purpose === 'bundle') {
        throw new KeysException(
          'key-state-conflict',
          'The bundle key is pinned on every enrolled gate and cannot be retired here; re-enrol the gates with a new bundle key instead.',
        );
      }
      const next = await keys.findCurrent(key.purpose, 'next');
      if (!next) {
        throw new KeysException(
          'key-state-conflict',
          `Key ${key.kid} is the active key and there is no next key to take over. Run a rotation first, then retire it.`,
        );
      }
      return this.promote(keys, key, next, options.now);
    });
    await this.auditChanges(changes, options.actor, { requested: 'retire' });
    return { changes };
  }

  /**
   * Revokes a compromised pass key, at once: it leaves every published key list, so the next bundle a gate fetches
   * (its version bumped by the status change) no longer trusts it, even for the days it signed passes for. An
   * active key hands over to the next key (or a new active key when there is none) and a new next key is made, so
   * issuing never stops. Passes it signed are signed anew with the active key when they are next shown
   * (PassesService). The bundle key cannot be revoked: gates pin it.
   */
  async revoke(id: string, options: RevokeOptions): Promise<RotationResult> {
    const reason = revocationReason(options.reason);
    const { now } = options;
    const today = campusDayOf(now);
    const changes = await this.repository.withRotationLock(async (keys) => {
      const key = await keys.findById(id);
      if (!key) throw new KeysException('key-not-found', 'There is no signing key with this id. Reload the key list.');
      assertRevocable(key);
      const changes: KeyChangeRecord[] = [
        { action: 'revoked', key: mapKey(await keys.update(key.id, { status: 'revoked', revokedAt: now, revocationReason: reason })) },
      ];
      if (key.status === 'active') {
        // Issuing must not stop: the next key (published, so synced gates trust it already) takes over at once.
        const next = await keys.findCurrent('pass', 'next');
        if (next) {
          const activated = await keys.update(next.id, {
            status: 'active',
            activatedAt: now,
            notBeforeDay: Math.max(next.notBeforeDay ?? today, today),
          });
          changes.push({ action: 'activated', key: mapKey(activated) });
        } else {
          changes.push({ action: 'created', key: mapKey(await this.createKey(keys, this.kek(), 'pass', 'active', now, today)) });
        }
      }
      if (key.status !== 'retired' && !(await keys.findCurrent('pass', 'next'))) {
        changes.push({ action: 'created', key: mapKey(await this.createKey(keys, this.kek(), 'pass', 'next', now, today)) });
      }
      return changes;
    });
    this.#signers.delete(id);
    await this.auditChanges(changes, options.actor, { requested: 'revoke', reason });
    return { changes };
  }

  /**
   * The key with this kid, if it can be revoked; else a KeysException saying why (not a kid, no such key, the
   * bundle key, already revoked). For the CLI, which shows the key and asks before it revokes.
   */
  async revocableByKid(kid: string): Promise<KeyView> {
    const wanted = kid.trim().toLowerCase();
    if (!KID_PATTERN.test(wanted)) {
      throw new KeysException(
        'key-not-found',
        `"${kid.slice(0, 40)}" is not a key id: a kid is 16 hex characters, as "npm run portal -- keys:list" shows them; nothing was changed.`,
      );
    }
    const matches = (await this.repository.list()).filter((key) => key.kid === wanted);
    if (matches.length === 0) {
      throw new KeysException(
        'key-not-found',
        `There is no signing key with kid ${wanted}. Run "npm run portal -- keys:list" to see the kids; nothing was changed.`,
      );
    }
    if (matches.length > 1) {
      throw new KeysException(
        'key-state-conflict',
        `More than one key has kid ${wanted}; revoke by id through the admin API (POST /api/admin/keys/<id>/revoke).`,
      );
    }
    const key = matches[0]!;
    assertRevocable(key);
    return mapKey(key);
  }

  /** revoke() by the kid operators see in keys:list and in passes. */
  async revokeByKid(kid: string, options: RevokeOptions): Promise<RotationResult> {
    return this.revoke((await this.revocableByKid(kid)).id, options);
  }

  /**
   * Re-seals under KEY_ENCRYPTION_KEY every stored private key that opens only under KEY_ENCRYPTION_KEY_PREVIOUS, in
   * one transaction with every row locked (and the rotation lock held, so no key is made meanwhile). Keys already
   * under KEY_ENCRYPTION_KEY are left as they are, so a second run changes nothing. If any key opens under neither,
   * nothing is changed and a KeysException names its kid. Public keys, kids and statuses never change, so every pass
   * and bundle signed before still verifies. One audit entry per run that writes (counts and kids, no key material).
   */
  async rewrap(options: RewrapOptions = {}): Promise<RewrapResult> {
    const dryRun = options.dryRun === true;
    const keks = this.keks();
    const result = await this.repository.withRotationLock(async (keys) => {
      const resealed: KeyView[] = [];
      const alreadyCurrent: KeyView[] = [];
      const unopenable: string[] = [];
      const writes: { id: string; sealed: SealedPrivateKey }[] = [];
      for (const { key, sealed } of await keys.findAllSealed()) {
        const binding = { keyId: key.id, purpose: key.purpose, kid: key.kid };
        let opened: ReturnType<typeof openPrivateKeyWithEither>;
        try {
          opened = openPrivateKeyWithEither(keks, sealed, binding);
        } catch (error) {
          if (!isKeysException(error) || error.code !== 'key-decryption-failed') throw error;
          unopenable.push(key.kid);
          continue;
        }
        try {
          if (!matchesPublicKey(opened.seed, key)) {
            unopenable.push(key.kid);
          } else if (opened.sealedUnder === 'current') {
            alreadyCurrent.push(mapKey(key));
          } else {
            writes.push({ id: key.id, sealed: sealPrivateKey(keks.current, opened.seed, binding) });
            resealed.push(mapKey(key));
          }
        } finally {
          opened.seed.fill(0);
        }
      }
      if (unopenable.length > 0) {
        const previous = keks.previous ? 'KEY_ENCRYPTION_KEY_PREVIOUS' : 'KEY_ENCRYPTION_KEY_PREVIOUS (which is not set)';
        throw new KeysException(
          'key-decryption-failed',
          `Signing key(s) ${unopenable.join(', ')}: opened with neither KEY_ENCRYPTION_KEY nor ${previous}, or not matching the stored public key; nothing was re-sealed. Set KEY_ENCRYPTION_KEY_PREVIOUS to the key-encryption key they were stored with and run keys:rewrap again (deploy/runbooks/key-rotation.md).`,
        );
      }
      if (!dryRun) for (const write of writes) await keys.updateSealed(write.id, write.sealed);
      return { dryRun, resealed, alreadyCurrent };
    });
    if (!dryRun) {
      const actor = options.actor ?? SYSTEM;
      await this.audit.record({
        actorType: actor.type,
        actorId: actor.id ?? null,
        action: 'keys.rewrap',
        targetType: 'signing-key',
        targetId: null,
        outcome: 'success',
        ip: actor.ip ?? null,
        details: {
          resealed: result.resealed.length,
          alreadyCurrent: result.alreadyCurrent.length,
          resealedKids: result.resealed.map((key) => key.kid),
          alreadyCurrentKids: result.alreadyCurrent.map((key) => key.kid),
        },
      });
    }
    return result;
  }

  /** Which of these kids belong to a revoked pass key: what they signed must be signed anew before it is shown. */
  revokedPassKids(kids: readonly string[]): Promise<Set<string>> {
    return this.repository.revokedPassKids(kids);
  }

  private promotionDue(active: SigningKeyEntity, next: SigningKeyEntity, now: Date): boolean {
    const published = now.getTime() - next.createdAt.getTime() >= this.config.keys.rotationLeadDays * DAY_MS;
    const signedLongEnough =
      now.getTime() - (active.activatedAt ?? active.createdAt).getTime() >= this.config.keys.rotationIntervalDays * DAY_MS;
    return published && signedLongEnough;
  }

  private async promote(
    keys: SigningKeyTransaction,
    active: SigningKeyEntity,
    next: SigningKeyEntity,
    now: Date,
  ): Promise<KeyChangeRecord[]> {
    const today = campusDayOf(now);
    // The active row is locked (findCurrent … FOR UPDATE), so no signing can bump last_signed_day past this.
    const retired = await keys.update(active.id, { status: 'retired', retiredAt: now, notAfterDay: active.lastSignedDay });
    const activated = await keys.update(next.id, {
      status: 'active',
      activatedAt: now,
      notBeforeDay: next.purpose === 'pass' ? Math.max(next.notBeforeDay ?? today, today) : null,
    });
    return [
      { action: 'retired', key: mapKey(retired) },
      { action: 'activated', key: mapKey(activated) },
    ];
  }

  private async createKey(
    keys: SigningKeyTransaction,
    kek: Buffer,
    purpose: KeyPurpose,
    status: 'next' | 'active',
    now: Date,
    notBeforeDay: CampusDay | null,
  ): Promise<SigningKeyEntity> {
    const id = randomUUID();
    const { seed, publicKey } = generateKeyPair();
    const kid = bytesToHex(kidOf(publicKey));
    try {
      const sealed = sealPrivateKey(kek, seed, { keyId: id, purpose, kid });
      return await keys.insert({ id, purpose, kid, publicKey, sealed, status, notBeforeDay, createdAt: now });
    } finally {
      seed.fill(0);
    }
  }

  private async signerFor(key: SigningKeyEntity): Promise<PassSigner> {
    const cached = this.#signers.get(key.id);
    if (cached) return cached;
    const sealed = await this.repository.findSealed(key.id);
    if (!sealed) throw new KeysException('key-not-found', `Signing key ${key.kid} is gone.`);
    const { seed } = openPrivateKeyWithEither(this.keks(), sealed, { keyId: key.id, purpose: key.purpose, kid: key.kid });
    let signer: PassSigner;
    try {
      signer = createNodeSigner(seed);
    } finally {
      seed.fill(0);
    }
    if (!Buffer.from(signer.publicKey).equals(key.publicKey)) {
      throw new KeysException('key-decryption-failed', `Signing key ${key.kid} does not match its stored public key.`);
    }
    const frozen: PassSigner = Object.freeze({ publicKey: signer.publicKey, sign: (message: Uint8Array) => signer.sign(message) });
    this.#signers.set(key.id, frozen);
    return frozen;
  }

  private kek(): Buffer {
    const text = this.config.keys.encryptionKey?.reveal();
    const kek = text === undefined ? undefined : parseKeyEncryptionKey(text);
    if (!kek) {
      throw new KeysException('kek-missing', 'KEY_ENCRYPTION_KEY is not set or not a 32-byte key: signing keys cannot be used.');
    }
    return kek;
  }

  /** KEY_ENCRYPTION_KEY, and KEY_ENCRYPTION_KEY_PREVIOUS while the key-encryption key is being replaced. */
  private keks(): KeyEncryptionKeys {
    const text = this.config.keys.previousEncryptionKey?.reveal();
    if (text === undefined) return { current: this.kek() };
    const previous = parseKeyEncryptionKey(text);
    if (!previous) {
      throw new KeysException('kek-invalid', 'KEY_ENCRYPTION_KEY_PREVIOUS is not a 32-byte key: signing keys cannot be used.');
    }
    return { current: this.kek(), previous };
  }

  private async auditChanges(changes: readonly KeyChangeRecord[], actor: KeyActor, details: Record<string, unknown>): Promise<void> {
    for (const change of changes) {
      await this.audit.record({
        actorType: actor.type,
        actorId: actor.id ?? null,
        action: AUDIT_ACTIONS[change.action],
        targetType: 'signing-key',
        targetId: change.key.id,
        outcome: 'success',
        ip: actor.ip ?? null,
        details: { ...details, purpose: change.key.purpose, kid: change.key.kid, status: change.key.status },
      });
    }
  }
}

/** Whether a decrypted seed is the private half of the key's stored public key. */
function matchesPublicKey(seed: Uint8Array, key: SigningKeyEntity): boolean {
  return Buffer.from(createNodeSigner(seed).publicKey).equals(key.publicKey);
}

function assertRevocable(key: SigningKeyEntity): void {
  if (key.purpose === 'bundle') {
    throw new KeysException(
      'key-state-conflict',
      `Key ${key.kid} is the bundle-signing key: it is pinned on every enrolled gate, so it cannot be revoked (every gate would refuse its bundles). Re-enrol the gates with a new bundle key instead (deploy/runbooks/key-rotation.md); nothing was changed.`,
    );
  }
  if (key.status === 'revoked') {
    throw new KeysException('key-state-conflict', `Key ${key.kid} is already revoked; nothing was changed.`);
  }
}

/** The trimmed reason of a revocation, or a KeysException that says what a reason must be. */
export function revocationReason(reason: unknown): string {
  const text = typeof reason === 'string' ? reason.trim() : '';
  if (text.length < REVOCATION_REASON_MIN || text.length > REVOCATION_REASON_MAX) {
    throw new KeysException(
      'key-revocation-reason-invalid',
      `Give the reason for revoking the key (${REVOCATION_REASON_MIN} to ${REVOCATION_REASON_MAX} characters, e.g. "private key exposed in a backup"); nothing was changed.`,
    );
  }
  if (!isPlainMultilineText(text)) {
    throw new KeysException(
      'key-revocation-reason-invalid',
      'The reason must be text without control or bidirectional-override characters (it is shown in the key list and the audit log); nothing was changed.',
    );
  }
  return text;
}
