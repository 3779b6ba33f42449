import { isBundleError } from '../bundle/bundle.error.js';
import type { GateBundleHolder } from '../bundle/gate-bundle-holder.js';
import { Backoff, withJitter, type BackoffSettings } from './backoff.js';
import type { GateSigner, PortalClient } from './portal-client.js';
import { isGateRevokedError } from './sync.error.js';
import { errorDetails, silentSyncLog, type SyncLog } from './sync-log.js';
import { SyncLoop, type NextRun } from './sync-loop.js';

export type PullOutcome =
  | { readonly status: 'not-modified'; readonly version: number }
  | { readonly status: 'applied'; readonly version: number; readonly kind: 'full' | 'delta'; readonly fullRetry: boolean };

export interface BundlePullerOptions {
  readonly client: PortalClient;
  readonly signer: GateSigner;
  readonly holder: GateBundleHolder;
  /** Gets each fetched bundle's verified issuedAt as signed portal time (TrustedClock.acceptPortalTime). */
  readonly clock: { acceptPortalTime(portalTime: Date): boolean };
  /** sync.bundleIntervalSeconds */
  readonly intervalSeconds: number;
  /** sync.backoff and sync.jitterPercent */
  readonly backoff: BackoffSettings;
  readonly random?: () => number;
  readonly log?: SyncLog;
}

export interface BundlePullerStatus {
  readonly version: number;
  readonly lastSuccessAt: Date | undefined;
  readonly lastError: string | undefined;
  readonly consecutiveFailures: number;
  /** The portal said this gate is revoked: it gets nothing more, the puller stopped. */
  readonly revoked: boolean;
}

/**
 * Pulls the gate's bundle: every bundleIntervalSeconds (with jitter), at once on pullSoon() (a heartbeat saw a
 * newer version). Sends the held version and the last ETag; 304 changes nothing. A bundle is verified with the
 * pinned key and applied by the GateBundleHolder (which saves it durably) before it is used; a delta that does not
 * fit the held version is answered by asking for a full bundle. Failures back off exponentially with jitter.
 */
export class BundlePuller {
  readonly #loop: SyncLoop;
  readonly #backoff: Backoff;
  readonly #log: SyncLog;
  #etag: string | undefined;
  #lastSuccessAt: Date | undefined;
  #lastError: string | undefined;
  #revoked = false;

  constructor(private readonly options: BundlePullerOptions) {
    this.#log = options.log ?? silentSyncLog;
    this.#backoff = new Backoff(options.backoff, options.random);
    this.#loop = new SyncLoop(
      () => this.#tick(),
      (error) => this.#log.error(errorDetails(error), 'bundle pull failed unexpectedly'),
    );
  }

  start(): void {
    if (!this.#revoked) this.#loop.start(0);
  }

  stop(): Promise<void> {
    return this.#loop.stop();
  }

  /** Pull now (unless backing off after failures). */
  pullSoon(): void {
    this.#loop.wake();
  }

  status(): BundlePullerStatus {
    return {
      version: this.options.holder.current()?.version ?? 0,
      lastSuccessAt: this.#lastSuccessAt,
      lastError: this.#lastError,
      consecutiveFailures: this.#backoff.failures,
      revoked: this.#revoked,
    };
  }

  /** One pull; throws SyncError or BundleError (the held state is then unchanged). */
  async pullOnce(): Promise<PullOutcome> {
    const { client, signer, holder } = this.options;
    const since = holder.current()?.version ?? 0;
    const answer = await client.fetchBundle(signer, since, this.#etag);
    if (answer.status === 'not-modified') {
      this.#etag = answer.etag;
      return { status: 'not-modified', version: since };
    }
    let fullRetry = false;
    let accepted;
    let envelope = answer.envelope;
    try {
      accepted = holder.accept(envelope);
      this.#etag = answer.etag;
    } catch (error) {
      if (!(isBundleError(error) && error.needsFullBundle)) throw error;
      this.#log.warn(errorDetails(error), 'the delta does not fit the bundle held; asking for a full bundle');
      fullRetry = true;
      const full = await client.fetchBundle(signer, 0, undefined);
      if (full.status === 'not-modified') return { status: 'not-modified', version: since };
      envelope = full.envelope;
      accepted = holder.accept(envelope);
      this.#etag = full.etag;
    }
    this.options.clock.acceptPortalTime(accepted.portalTime);
    // The payload verified and parsed inside accept(); read its kind for the log and the caller.
    const kind = (JSON.parse(envelope.payload) as { kind: 'full' | 'delta' }).kind;
    return { status: 'applied', version: accepted.state.version, kind, fullRetry };
  }

  async #tick(): Promise<NextRun> {
    try {
      const outcome = await this.pullOnce();
      this.#backoff.reset();
      this.#lastSuccessAt = new Date();
      this.#lastError = undefined;
      if (outcome.status === 'applied') this.#log.info({ ...outcome }, 'bundle applied');
      return {
        delayMs: withJitter(this.options.intervalSeconds * 1000, this.options.backoff.jitterPercent, this.options.random),
        wakeable: true,
      };
    } catch (error) {
      this.#lastError = error instanceof Error ? error.message : String(error);
      if (isGateRevokedError(error)) {
        // A revoked gate gets nothing more; asking again would only fill the portal's audit log.
        this.#revoked = true;
        this.#log.error(errorDetails(error), 'the portal revoked this gate; bundle pulls stopped');
        void this.#loop.stop();
        return { delayMs: 0, wakeable: false };
      }
      const delayMs = this.#backoff.fail();
      this.#log.warn({ ...errorDetails(error), retryInMs: delayMs, failures: this.#backoff.failures }, 'bundle pull failed');
      return { delayMs, wakeable: false };
    }
  }
}
