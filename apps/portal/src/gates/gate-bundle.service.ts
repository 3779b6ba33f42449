import { Injectable, Logger } from '@nestjs/common';
import { bytesToHex, campusDayOf, type CampusDay } from '@campuspass/pass-token';
import {
  GATE_BUNDLE_FORMAT,
  gateBundleSchema,
  type BundleKey,
  type BundlePass,
  type BundleRevocation,
  type GateBundle,
  type SignedGateBundle,
} from '@campuspass/contracts';
import { Clock } from '../identity/clock.js';
import { KeysService } from '../keys/keys.service.js';
import { PassesService } from '../passes/passes.service.js';
import type { GateEntity } from './gate.entity.js';
import { GatesException } from './gates.exception.js';
import { GatesRepository, type PassDisplayRow } from './gates.repository.js';
import { parseGatePolicy } from './gates.service.js';

const DAY_MS = 86_400_000;
/** Change rows older than this are pruned; deltas only ever start from a base of the same campus day. */
export const BUNDLE_CHANGE_RETENTION_DAYS = 3;
/** At most one prune per process per hour (see pruneIfDue). */
const PRUNE_INTERVAL_MS = 3_600_000;
const MAX_THUMBNAIL_BASE64 = 64 * 1024;

export type BundleAnswer =
  | { readonly status: 200; readonly etag: string; readonly version: number; readonly body: SignedGateBundle }
  | { readonly status: 304; readonly etag: string; readonly version: number };

const passIdHex = (id: string) => id.replaceAll('-', '');
const CJK = /[\u3400-\u9fff\uf900-\ufaff]/u;

/** The name as printed on the eCard: `Wong Siu Ming`, `陳大文`. */
export function cardName(surname: string, givenName: string): string {
  return CJK.test(surname) && CJK.test(givenName) ? `${surname}${givenName}` : `${surname} ${givenName}`.trim();
}

/** Weak ETag of a bundle answer: the same version, kind, base and campus day give the same bundle content. */
export function bundleEtag(version: number, kind: 'full' | 'delta', baseVersion: number | null, campusDay: CampusDay): string {
  return `W/"gb-${version}-${kind}-${baseVersion ?? 0}-${campusDay}"`;
}

function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === opaque(etag));
}

/**
 * Builds and signs the gate bundle (libs/contracts gate-bundle.ts).
 *
 * Consistency without a long transaction: the current version is read first, then everything else. Anything
 * committed after that read has a higher version (versions commit in order, see the gates migration), so it
 * comes again in the next delta: a pass or revocation may be sent twice, never lost, and gates apply both
 * idempotently.
 *
 * A delta is served only on top of a base version made on the same campus day: at Hong Kong midnight the
 * window of passes moves (yesterday's drop out, the day after tomorrow's become "tomorrow"), which a list of
 * changes cannot express, so the first request of a day gets a full bundle.
 */
@Injectable()
export class GateBundleService {
  private readonly logger = new Logger(GateBundleService.name);
  private lastPrune = 0;

  constructor(
    private readonly repository: GatesRepository,
    private readonly keys: KeysService,
    private readonly passes: PassesService,
    private readonly clock: Clock,
  ) {}

  /**
   * The bundle for `gate`: a delta from `since` when possible, else full. 304 when `ifNoneMatch` names this very
   * answer, or when the gate already holds the current version (since = current, same campus day).
   */
  async bundleFor(gate: GateEntity, since: string | undefined, ifNoneMatch: string | undefined): Promise<BundleAnswer> {
    const base = parseSince(since);
    const now = this.clock.now();
    const today = campusDayOf(now);
    await this.pruneIfDue(now);
    const state = await this.repository.bundleState();
    const version = state.currentVersion;
    if (version < 1) {
      throw new GatesException(
        'bundle-unavailable',
        'The portal has no signing keys yet, so there is no bundle. Run "npm run portal -- keys:rotate" and retry.',
      );
    }
    const deltaPossible = base !== null && base >= state.prunedThrough && base <= version && (await this.baseIsFromDay(base, today));
    if (deltaPossible && base === version) {
      const etag = bundleEtag(version, 'delta', version, today);
      await this.repository.recordServed(gate.id, version, now);
      return { status: 304, etag, version };
    }
    const kind = deltaPossible ? 'delta' : 'full';
    const baseVersion = deltaPossible ? base : null;
    const etag = bundleEtag(version, kind, baseVersion, today);
    if (etagMatches(ifNoneMatch, etag)) {
      await this.repository.recordServed(gate.id, version, now);
      return { status: 304, etag, version };
    }
    const policy = parseGatePolicy(gate.policy, gate.id);
    const keys = await this.publishedKeys(today);
    const { passes, revocations } =
      baseVersion === null ? await this.fullContent(today) : await this.deltaContent(baseVersion, version, today);
    const bundle: GateBundle = gateBundleSchema.parse({
      format: GATE_BUNDLE_FORMAT,
      gateId: gate.id,
      gateName: gate.name,
      kind,
      version,
      baseVersion,
      issuedAt: now.toISOString(),
      campusDay: today,
      keys,
      policy,
      revocations,
      passes,
    } satisfies GateBundle);
    const payload = JSON.stringify(bundle);
    const { kid, signer } = await this.keys.bundleSigner();
    const signature = Buffer.from(signer.sign(Buffer.from(payload, 'utf8'))).toString('base64');
    await this.repository.recordServed(gate.id, version, now);
    return { status: 200, etag, version, body: { kid, payload, signature } };
  }

  private async baseIsFromDay(base: number, today: CampusDay): Promise<boolean> {
    const made = await this.repository.changeTime(base);
    return made !== null && campusDayOf(made) === today;
  }

  private async publishedKeys(today: CampusDay): Promise<BundleKey[]> {
    return (await this.keys.publishedKeys(today)).map((key) => ({
      kid: key.kid,
      publicKey: bytesToHex(key.publicKey),
      status: key.status,
      notBeforeDay: key.notBeforeDay ?? null,
      notAfterDay: key.notAfterDay ?? null,
    }));
  }

  private async fullContent(today: CampusDay): Promise<{ passes: BundlePass[]; revocations: BundleRevocation[] }> {
    const rows = await this.repository.livePassDisplay({ days: [today, today + 1] });
    const revocations = await this.passes.unexpiredRevocations(today);
    return {
      passes: rows.map(mapPass),
      revocations: revocations.map((revocation) => ({ passId: passIdHex(revocation.passId), campusDay: revocation.campusDay })),
    };
  }

  /** Passes issued and passes revoked or cancelled after `base` up to `version`; one entry per pass. */
  private async deltaContent(
    base: number,
    version: number,
    today: CampusDay,
  ): Promise<{ passes: BundlePass[]; revocations: BundleRevocation[] }> {
    const changes = await this.repository.changesBetween(base, version);
    const revoked = new Map<string, number>();
    for (const change of changes) {
      if (change.kind === 'pass-revoked' && change.campusDay! >= today) revoked.set(change.passId!, change.campusDay!);
    }
    const issued = changes
      .filter((change) => change.kind === 'pass-issued' && change.campusDay! >= today && change.campusDay! <= today + 1)
      .map((change) => change.passId!)
      .filter((id) => !revoked.has(id));
    const rows = issued.length > 0 ? await this.repository.livePassDisplay({ ids: issued }) : [];
    return {
      passes: rows.map(mapPass),
      revocations: [...revoked].map(([passId, campusDay]) => ({ passId: passIdHex(passId), campusDay })),
    };
  }

  /**
   * Pruning happens here, on read, rather than on the maintenance queue: that queue's one processor lives in the
   * keys module, and a DELETE on an indexed timestamp at most once an hour costs a bundle request nothing
   * noticeable. A failed prune is logged and retried at the next interval; it never fails a bundle.
   */
  private async pruneIfDue(now: Date): Promise<void> {
    if (now.getTime() - this.lastPrune < PRUNE_INTERVAL_MS) return;
    this.lastPrune = now.getTime();
    try {
      const pruned = await this.repository.pruneChanges(new Date(now.getTime() - BUNDLE_CHANGE_RETENTION_DAYS * DAY_MS));
      if (pruned > 0) this.logger.log({ msg: 'pruned gate bundle changes', pruned });
    } catch (error) {
      this.logger.warn({ msg: 'could not prune gate bundle changes', err: error });
    }
  }
}

function parseSince(since: string | undefined): number | null {
  if (since === undefined || since === '') return null;
  if (!/^\d{1,15}$/.test(since)) {
    throw new GatesException(
      'bundle-since-invalid',
      `since must be the version of the bundle the gate holds (a whole number), not "${since.slice(0, 40)}"; leave it out for a full bundle.`,
    );
  }
  const value = Number(since);
  return value === 0 ? null : value;
}

function mapPass(row: PassDisplayRow): BundlePass {
  const holder = cardName(row.holderSurname, row.holderGivenName);
  const thumbnail = row.thumbJpeg ? row.thumbJpeg.toString('base64') : null;
  return {
    passId: passIdHex(row.passId),
    kind: row.kind,
    campusDay: row.campusDay,
    ecardId: row.ecardId,
    guestIndex: row.kind === 'guest' ? row.guestIndex : null,
    displayName: row.kind === 'guest' ? row.guestName! : holder,
    hostName: row.kind === 'guest' ? holder : null,
    thumbnailJpegBase64: thumbnail !== null && thumbnail.length <= MAX_THUMBNAIL_BASE64 ? thumbnail : null,
  };
}
