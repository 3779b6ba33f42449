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
  /**
   * How often the health is compared with the last one sent (default 1000 ms; 0: never), so the dashboard does not
   * show the gate's start-up state (no bundle yet, clock not yet trusted) for a whole interval after it changed:
   * - the first bundle (version 0 → n) sends a heartbeat at once. Later versions wait for the interval: the portal
   *   raises the version with every pass issued, and a heartbeat answered "newer" makes the puller fetch it, so
   *   sending on every version would make heartbeat and pull feed each other about once a second;
   * - a change of the clock's trust, a device's health or the agent version sends one early, at most once per
   *   max(5 s, interval / 4) (EARLY_MIN_GAP_MS): a flapping sensor cannot make it faster.
   * Never while a heartbeat is under way or the sender is backing off after a failure.
   */
  readonly changeCheckMs?: number;
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
  /** What the portal last stored (after a heartbeat succeeded): the states stateOf() picks, and the bundle version. */
  #sentState: string | undefined;
  #sentBundleVersion = 0;
  #sending = false;
  #backingOff = false;
  /** performance.now() of the last early heartbeat for a changed state (monotonic: wall-clock steps do not matter). */
  #lastEarlyAt: number | undefined;
  #changeTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: HeartbeatSenderOptions) {
    this.#log = options.log ?? silentSyncLog;
    this.#backoff = new Backoff(options.backoff, options.random);
    this.#loop = new SyncLoop(
      () => this.#tick(),
      (error) => this.#log.error(errorDetails(error), 'heartbeat failed unexpectedly'),
    );
  }

  start(): void {
    if (this.#revoked) return;
    this.#loop.start(0);
    const everyMs = this.options.changeCheckMs ?? 1000;
    if (everyMs > 0 && this.#changeTimer === undefined) {
      this.#changeTimer = setInterval(() => this.#sendIfChanged(), everyMs);
      this.#changeTimer.unref();
    }
  }

  stop(): Promise<void> {
    clearInterval(this.#changeTimer);
    this.#changeTimer = undefined;
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
    this.#sending = true;
    let answer: Awaited<ReturnType<PortalClient['heartbeat']>>;
    try {
      answer = await client.heartbeat(signer, health);
    } finally {
      this.#sending = false;
    }
    this.#sentState = stateOf(health); // the portal stored it
    this.#sentBundleVersion = health.bundleVersion;
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

  #sendIfChanged(): void {
    // Compared with what the portal last stored, once no heartbeat is under way (it may carry the change already)
    // and not while backing off (the loop would ignore the wake-up, but the gap would be used up for nothing).
    if (this.#sentState === undefined || this.#sending || this.#backingOff || this.#revoked) return;
    let health: HeartbeatHealth;
    try {
      health = this.options.health();
    } catch (error) {
      this.#log.warn(errorDetails(error), 'gate health could not be read');
      return;
    }
    // The first bundle: once per start-up (the version never goes back to 0), so it needs no rate limit.
    if (this.#sentBundleVersion === 0 && health.bundleVersion > 0) {
      this.#loop.wake();
      return;
    }
    if (stateOf(health) === this.#sentState) return;
    const now = performance.now();
    const minGapMs = Math.max(EARLY_MIN_GAP_MS, (this.options.intervalSeconds * 1000) / 4);
    if (this.#lastEarlyAt !== undefined && now - this.#lastEarlyAt < minGapMs) return; // checked again next time
    this.#lastEarlyAt = now;
    this.#loop.wake();
  }

  async #tick(): Promise<NextRun> {
    try {
      await this.sendOnce();
      this.#backoff.reset();
      this.#backingOff = false;
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
      this.#backingOff = true;
      this.#log.warn({ ...errorDetails(error), retryInMs: delayMs }, 'heartbeat failed');
      return { delayMs, wakeable: false };
    }
  }
}

/** Early heartbeats for a changed state are at least this far apart (or interval / 4, if longer). */
const EARLY_MIN_GAP_MS = 5000;

/**
 * What a change of sends an early heartbeat: the facts the dashboard shows as states, not the counters, nor the
 * bundle version (only the first bundle sends one early: see changeCheckMs).
 */
function stateOf(health: HeartbeatHealth): string {
  return JSON.stringify([health.agentVersion, health.clockTrusted, health.relay, health.passageSensor, health.input, health.fireInput]);
}
