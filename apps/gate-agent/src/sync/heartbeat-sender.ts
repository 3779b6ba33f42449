import { portalTimeSigningInput, type GateHeartbeatRequest } from '@campuspass/contracts';
import type { PinnedBundleKey } from '../bundle/bundle-signature.js';
import { Backoff, withJitter, type BackoffSettings } from './backoff.js';
import type { GateSigner, PortalClient } from './portal-client.js';
import { isGateRevokedError, SyncError, SyncErrorCode } from './sync.error.js';
import { errorDetails, silentSyncLog, type SyncLog } from './sync-log.js';
import { SyncLoop, type NextRun } from './sync-loop.js';

/** What the agent reports; the sender adds nothing but sends it as given (validated by the contract schema). */
export type HeartbeatHealth = GateHeartbeatRequest;

export interface HeartbeatSenderOptions {
  readonly client: PortalClient;
  readonly signer: GateSigner;
  /** The bundle key pinned at enrollment: the portal time must be signed with it. */
  readonly pinnedKey: PinnedBundleKey;
  /** Gets the verified portal time (TrustedClock.acceptPortalTime: the skew check happens there). */
  readonly clock: { acceptPortalTime(portalTime: Date): boolean };
  /** The agent's current health (bundle version, clock, outbox backlog, devices). */
  readonly health: () => HeartbeatHealth;
  /** Called when the portal reports a bundle version newer than the one held (BundlePuller.pullSoon). */
  readonly onNewerBundle?: (portalVersion: number) => void;
  readonly intervalSeconds: number;
  readonly backoff: BackoffSettings;
  readonly random?: () => number;
  readonly log?: SyncLog;
}

export interface HeartbeatOutcome {
  readonly portalTime: Date;
  readonly clockTrusted: boolean;
  readonly portalBundleVersion: number;
  readonly newerBundle: boolean;
}

/**
 * Sends the gate's health to the portal and takes the portal's signed time back: verified with the pinned bundle
 * key before the clock sees it (an unsigned or forged time would let anyone on the network move the gate's clock).
 */
export class HeartbeatSender {
  readonly #loop: SyncLoop;
  readonly #backoff: Backoff;
  readonly #log: SyncLog;
  #lastSuccessAt: Date | undefined;
  #revoked = false;

  constructor(private readonly options: HeartbeatSenderOptions) {
    this.#log = options.log ?? silentSyncLog;
    this.#backoff = new Backoff(options.backoff, options.random);
    this.#loop = new SyncLoop(
      () => this.#tick(),
      (error) => this.#log.error(errorDetails(error), 'heartbeat failed unexpectedly'),
    );
  }

  start(): void {
    if (!this.#revoked) this.#loop.start(0);
  }

  stop(): Promise<void> {
    return this.#loop.stop();
  }

  get lastSuccessAt(): Date | undefined {
    return this.#lastSuccessAt;
  }

  get revoked(): boolean {
    return this.#revoked;
  }

  /** One heartbeat; throws SyncError. */
  async sendOnce(): Promise<HeartbeatOutcome> {
    const { client, signer, pinnedKey, clock } = this.options;
    const health = this.options.health();
    const answer = await client.heartbeat(signer, health);
    if (!pinnedKey.verify(portalTimeSigningInput(signer.gateId, answer.portalTime, answer.requestTimestamp), answer.signature)) {
      throw new SyncError(
        SyncErrorCode.BadPortalTimeSignature,
        `the portal time ${answer.portalTime} is not signed by the pinned bundle key ${pinnedKey.kidHex} for this heartbeat; the clock ignores it (a forged or replayed answer, or the portal's bundle key changed: re-enroll)`,
      );
    }
    const portalTime = new Date(answer.portalTime);
    const clockTrusted = clock.acceptPortalTime(portalTime);
    const newerBundle = answer.bundleVersion > health.bundleVersion;
    if (newerBundle) this.options.onNewerBundle?.(answer.bundleVersion);
    this.#lastSuccessAt = new Date();
    return { portalTime, clockTrusted, portalBundleVersion: answer.bundleVersion, newerBundle };
  }

  async #tick(): Promise<NextRun> {
    try {
      await this.sendOnce();
      this.#backoff.reset();
      return {
        delayMs: withJitter(this.options.intervalSeconds * 1000, this.options.backoff.jitterPercent, this.options.random),
        wakeable: true,
      };
    } catch (error) {
      if (isGateRevokedError(error)) {
        this.#revoked = true;
        this.#log.error(errorDetails(error), 'the portal revoked this gate; heartbeats stopped');
        void this.#loop.stop();
        return { delayMs: 0, wakeable: false };
      }
      const delayMs = this.#backoff.fail();
      this.#log.warn({ ...errorDetails(error), retryInMs: delayMs }, 'heartbeat failed');
      return { delayMs, wakeable: false };
    }
  }
}
