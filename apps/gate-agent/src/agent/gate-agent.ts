import type { BundlePass } from '@campuspass/contracts';
import type { SignatureVerifier } from '@campuspass/pass-token';
import { clockAlertEventFields } from '../clock/clock-alert-event.js';
import { CommandNtpStatus } from '../clock/command-ntp-status.adapter.js';
import type { NtpStatus } from '../clock/ntp-status.port.js';
import { TrustedClock, type ClockAlert } from '../clock/trusted-clock.js';
import type { GateConfig } from '../config/gate-config.schema.js';
import { createQrDecoder } from '../decoder/create-qr-decoder.js';
import type { QrDecoder } from '../decoder/qr-decoder.port.js';
import { createGateHardware, type GateHardware, type HardwareEnvironment } from '../hardware/create-hardware.js';
import type { PassageResult } from '../hardware/passage.js';
import { TypedEventEmitter } from '../hardware/typed-event-emitter.js';
import { IdentityStore } from '../identity/identity-store.js';
import { createInputSource } from '../input/create-input-source.js';
import { ScanStream, type Scan } from '../scan/scan-stream.js';
import { gateDatabasePath, outboxLimitsFromConfig, SqliteGateStore } from '../store/sqlite/sqlite-gate-store.js';
import type { PassUsage } from '../store/store.ports.js';
import { Backoff } from '../sync/backoff.js';
import { ensureEnrolled, GATE_AGENT_VERSION, type EnrolledGate } from '../sync/enroll-gate.js';
import type { GateEventPublisher } from '../sync/gate-event-publisher.port.js';
import { GateSync } from '../sync/gate-sync.js';
import type { HeartbeatHealth } from '../sync/heartbeat-sender.js';
import { PortalClient } from '../sync/portal-client.js';
import { isSyncError, SyncErrorCode } from '../sync/sync.error.js';
import { errorDetails, type SyncLog } from '../sync/sync-log.js';
import { decideScan, type ScanPass } from '../verify/decide-scan.js';
import { createSignatureVerifier } from '../verify/signature-verifier.js';
import { createFireInput, type FireInput } from './fire-input.js';
import { eventPass, GateEventRecorder, type GateEventFields } from './gate-event-recorder.js';
import type { AgentPhase, AgentStatus, DeviceView, GateAgentEvents, ScanView } from './gate-agent.types.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
/** How often the trusted time is persisted (the floor a restart cannot go behind). */
const CLOCK_CHECKPOINT_MS = MINUTE_MS;
/** Delivered events past retention, and usage of expired campus days, are pruned this often. */
const PRUNE_INTERVAL_MS = HOUR_MS;
/** The portal counts as reachable while the last heartbeat or bundle pull is younger than this many intervals. */
const ONLINE_INTERVALS = 2.5;

/** Seams for tests and the demo; production passes none of these. */
export interface GateAgentOptions {
  readonly log: SyncLog;
  readonly ntp?: NtpStatus;
  readonly hardwareEnvironment?: HardwareEnvironment;
  readonly fetch?: typeof fetch;
  readonly publisher?: GateEventPublisher;
}

/** Thrown by start() when the agent cannot run at all (not enrolled and no code, a refused code, a revoked gate). */
export class GateAgentStartError extends Error {
  override readonly name = 'GateAgentStartError';
}

/**
 * The gate agent's composition root. Builds every adapter from the config (store, clock, hardware, input, decoder,
 * sync) and runs the scan pipeline:
 *
 *   scanned text → decideScan (trusted clock, bundle, usage) → outbox.append (durable commit) → relay pulse +
 *   indicator → passage state machine → usage.recordPassage on a passage → `passage` event
 *
 * Alarms (forced passage, sensor faults), clock alerts and the outbox filling up are recorded as events too; the
 * sync drains them all to the portal. `events` feeds the guard page.
 */
export class GateAgent {
  readonly events = new TypedEventEmitter<GateAgentEvents>();
  readonly store: SqliteGateStore;
  readonly clock: TrustedClock;
  #hardware: GateHardware | undefined;
  #fireInput: FireInput | undefined;
  #phase: AgentPhase = 'starting';
  #enrolled: EnrolledGate | undefined;
  #recorder: GateEventRecorder | undefined;
  #sync: GateSync | undefined;
  #decoder: QrDecoder | undefined;
  #scanStream: ScanStream | undefined;
  #inputDescription: string;
  #inputProblem: { detail: string; framesReceived: number } | undefined;
  readonly #verifier: SignatureVerifier;
  readonly #log: SyncLog;
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #grants = new Set<Promise<void>>();
  readonly #pendingAlerts: GateEventFields[] = [];
  readonly #startedAt = Date.now();
  #wakeStopped: (() => void) | undefined;
  #abandoned = false;

  constructor(
    readonly config: GateConfig,
    private readonly options: GateAgentOptions,
  ) {
    this.#log = options.log;
    this.store = new SqliteGateStore({
      filePath: gateDatabasePath(config.storage.dataDir),
      outbox: outboxLimitsFromConfig(config.storage.outbox),
    });
    this.clock = new TrustedClock({ store: this.store.clock, ntp: options.ntp ?? new CommandNtpStatus(), config: config.clock });
    this.#verifier = createSignatureVerifier(config.policy.signatureVerifier);
    this.#inputDescription = config.input.type;
  }

  /** The devices; built by start(). */
  get hardware(): GateHardware {
    if (!this.#hardware) throw new Error('the gate hardware is built by start(); call it first');
    return this.#hardware;
  }

  get phase(): AgentPhase {
    return this.#phase;
  }

  get gateId(): string | undefined {
    return this.#enrolled?.enrollment.gateId;
  }

  get sync(): GateSync | undefined {
    return this.#sync;
  }

  /**
   * Opens the devices (the relay is driven off first), enrolls if needed (retrying while the portal is
   * unreachable), starts the sync and then the input. Resolves once scans are being decided.
   */
  async start(): Promise<void> {
    this.#hardware = await createGateHardware(this.config, this.options.hardwareEnvironment);
    await this.#hardware.open();
    this.#fireInput = await createFireInput(this.config.fireInput, this.options.hardwareEnvironment?.gpioSysfsRoot);
    await this.#fireInput.open();
    this.clock.onAlert((alert) => this.#onClockAlert(alert));
    await this.clock.checkNtp();

    this.#setPhase('enrolling');
    const enrolled = await this.#enroll();
    if (enrolled === undefined) return; // stopped while enrolling
    this.#enrolled = enrolled;
    this.#recorder = new GateEventRecorder({
      gateId: enrolled.enrollment.gateId,
      outbox: this.store.outbox,
      clock: () => this.clock.reading(),
      bundleVersion: () => this.#sync?.holder.current()?.version ?? 0,
      onAppended: () => this.#sync?.drainer.wake(),
      onOutboxFilling: (status) =>
        this.#alert({
          type: 'alert',
          reason: 'outbox-filling',
          detail: `the outbox holds ${status.pending} of ${status.capacity} undelivered events (${Math.round(status.fill * 100)} %); check the connection to the portal`,
        }),
    });
    for (const alert of this.#pendingAlerts.splice(0)) this.#alert(alert);
    // Before the sync and any input: grants the last run left open are passages it never saw end.
    this.#recordInterruptedPassages(this.#recorder);

    this.#sync = new GateSync({
      config: this.config,
      identity: enrolled.identity,
      enrollment: enrolled.enrollment,
      stores: this.store,
      clock: this.clock,
      health: () => this.heartbeatHealth(),
      log: this.#log,
      ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
      ...(this.options.publisher ? { publisher: this.options.publisher } : {}),
    });
    this.#sync.start();
    this.#wireHardware();
    this.#startTimers();
    // Running before the input starts: a file or directory input delivers its first frames at once.
    this.#setPhase('running');
    await this.#startInput();
    this.#log.info(
      { gateId: enrolled.enrollment.gateId, gateName: enrolled.enrollment.gateName, input: this.#inputDescription },
      'gate agent running',
    );
  }

  /** Stops in reverse order: input, passages and relay (driven off), sync, then the store is closed. */
  async stop(): Promise<void> {
    if (this.#phase === 'stopped' || this.#phase === 'stopping') return;
    this.#setPhase('stopping');
    this.#wakeStopped?.();
    for (const timer of this.#timers.splice(0)) clearInterval(timer);
    await this.#scanStream?.stop().catch((error: unknown) => this.#log.warn(errorDetails(error), 'input did not stop cleanly'));
    await this.#decoder?.close().catch(() => undefined);
    // Ends open passages (recorded as not passed) and drives the relay off before the device closes.
    await this.#hardware?.close().catch((error: unknown) => this.#log.error(errorDetails(error), 'relay did not close cleanly'));
    await Promise.all(this.#grants);
    await this.#fireInput?.close().catch(() => undefined);
    this.clock.checkpoint();
    await this.#sync?.stop().catch((error: unknown) => this.#log.warn(errorDetails(error), 'sync did not stop cleanly'));
    this.store.close();
    this.#setPhase('stopped');
    this.events.removeAllListeners();
  }

  /**
   * Test seam standing in for SIGKILL or a power cut: the store is closed first, as is, so nothing more reaches the
   * disk (open passages get no outcome, the trusted time no checkpoint); then the devices, timers and sync are
   * released so the process can go on. Production never calls it.
   */
  async stopAbruptly(): Promise<void> {
    if (this.#phase === 'stopped' || this.#phase === 'stopping') return;
    this.#abandoned = true;
    this.store.close();
    this.#setPhase('stopping');
    this.#wakeStopped?.();
    for (const timer of this.#timers.splice(0)) clearInterval(timer);
    this.events.removeAllListeners();
    await this.#sync?.stop().catch(() => undefined);
    await this.#scanStream?.stop().catch(() => undefined);
    await this.#decoder?.close().catch(() => undefined);
    await this.#hardware?.close().catch(() => undefined);
    await Promise.all(this.#grants);
    await this.#fireInput?.close().catch(() => undefined);
    this.#setPhase('stopped');
  }

  /** Decides one scanned text and acts on it; resolves with what the guard page shows (after the commit). */
  handleScan(scan: Pick<Scan, 'text' | 'via'>): ScanView {
    const recorder = this.#recorder;
    const bundle = this.#sync?.holder.current();
    const reading = this.clock.reading();
    const decision = decideScan(scan.text, {
      bundle,
      clock: reading,
      usage: { get: (passId) => this.#usageWithUnderway(passId) },
      verifier: this.#verifier,
      localPolicy: this.config.policy,
    });
    const base = {
      at: reading.now.toISOString(),
      via: scan.via,
      passKind: decision.pass?.kind ?? null,
      ...displayOf(decision.display),
      degradedClock: decision.degradedClock === true,
    };
    let eventId: string;
    try {
      if (!recorder) throw new Error('the agent is not enrolled yet');
      eventId = recorder.record(
        {
          type: 'scan',
          decision: decision.decision,
          reason: decision.reason ?? null,
          pass: eventPass(decision.pass),
          detail: decision.degradedClock ? 'granted under the degraded clock policy (clock untrusted)' : null,
        },
        reading,
        // A grant stays open on disk until its passage event: a restart before then records it as interrupted.
        { opensGrant: decision.decision === 'granted' },
      ).eventId;
    } catch (error) {
      // Not recorded, not opened: a grant that could not be committed durably is no grant.
      this.#log.error(errorDetails(error), 'scan decision could not be recorded; the gate stays shut');
      this.hardware.indicator.show('fault');
      const view: ScanView = { ...base, eventId: undefined, decision: 'denied', reason: 'not-recorded' };
      this.events.emit('scan', view);
      return view;
    }
    const view: ScanView = { ...base, eventId, decision: decision.decision, reason: decision.reason ?? null };
    this.#log.info({ eventId, decision: view.decision, reason: view.reason, via: scan.via }, 'scan decided');
    this.events.emit('scan', view);
    if (decision.decision === 'granted') {
      this.hardware.indicator.show('granted');
      this.#grant(eventId, decision.pass);
    } else {
      this.hardware.indicator.show('denied');
    }
    return view;
  }

  /** The guard opens the turnstile by hand: recorded first (with the guard's name), then the relay pulses. */
  manualOpen(operator: string): { eventId: string } {
    if (!this.#recorder || this.#phase !== 'running') {
      throw new GateAgentStartError('the gate is not running yet (it is enrolling or stopping); try again in a moment');
    }
    const event = this.#recorder.record({ type: 'manual-open', operator, detail: 'opened from the guard page' }, undefined, {
      opensGrant: true,
    });
    this.#log.info({ eventId: event.eventId, operator }, 'manual open');
    this.events.emit('manual-open', { eventId: event.eventId, operator, at: event.occurredAt });
    this.hardware.indicator.show('granted');
    this.#grant(event.eventId, undefined);
    return { eventId: event.eventId };
  }

  /** A manual open refused on the guard page (wrong PIN): an `alert` event naming who tried; never the PIN. */
  refuseManualOpen(operator: string, detail: string): void {
    this.#log.warn({ operator, detail }, 'manual open refused');
    this.#alert({ type: 'alert', reason: 'manual-open-refused', operator, detail });
  }

  status(): AgentStatus {
    const reading = this.clock.reading();
    const clockStatus = this.clock.status();
    const bundle = this.#sync?.holder.current();
    const puller = this.#sync?.puller.status();
    const drainer = this.#sync?.drainer.status();
    const heartbeatAt = this.#sync?.heartbeat.lastSuccessAt;
    const outbox = this.store.outbox.status();
    const hardware = this.#hardware;
    const relayHealth = hardware?.relay.health() ?? { ok: false, detail: 'not opened yet' };
    const sensor = hardware?.sensor;
    const lastContact = Math.max(heartbeatAt?.getTime() ?? 0, puller?.lastSuccessAt?.getTime() ?? 0);
    const onlineWindowMs = ONLINE_INTERVALS * 1000 * Math.max(this.config.sync.heartbeatIntervalSeconds, 1);
    return {
      phase: this.#phase,
      gate: { id: this.gateId ?? null, name: this.#enrolled?.enrollment.gateName ?? this.config.gate.name ?? null },
      bundle: {
        version: bundle?.version ?? 0,
        issuedAt: bundle?.issuedAt.toISOString() ?? null,
        ageSeconds: bundle ? Math.max(0, Math.round((reading.now.getTime() - bundle.issuedAt.getTime()) / 1000)) : null,
        stale: bundle ? bundle.isStaleAt(reading.now) : true,
        lastPullAt: puller?.lastSuccessAt?.toISOString() ?? null,
        lastError: puller?.lastError ?? null,
      },
      clock: {
        trusted: reading.trusted,
        source: clockStatus.source ?? null,
        offsetMs: clockStatus.lastSyncAt ? -Math.round(clockStatus.offsetMs) : null,
        now: reading.now.toISOString(),
      },
      outbox: {
        pending: outbox.pending,
        fill: outbox.fill,
        aboveAlertThreshold: outbox.aboveAlertThreshold,
        oldestPendingAt: outbox.oldestPendingAt?.toISOString() ?? null,
        lastDeliveredAt: drainer?.lastDeliveredAt?.toISOString() ?? null,
        lastError: drainer?.lastError ?? null,
      },
      online: lastContact > 0 && Date.now() - lastContact < onlineWindowMs,
      lastHeartbeatAt: heartbeatAt?.toISOString() ?? null,
      relay: { kind: this.config.relay.type, state: hardware?.relay.state() ?? 'unknown', ok: relayHealth.ok, detail: relayHealth.detail },
      passageSensor: sensor ? { kind: sensor.kind, ...deviceView(sensor.health()) } : null,
      input: { description: this.#inputDescription, ...this.#inputHealth() },
      fireInput: this.#fireInput?.state() ?? (this.config.fireInput ? 'normal' : 'absent'),
      passagesOpen: hardware?.passage.pending() ?? 0,
      uptimeSeconds: Math.floor((Date.now() - this.#startedAt) / 1000),
    };
  }

  /** What the heartbeat reports to the portal. */
  heartbeatHealth(): HeartbeatHealth {
    const status = this.status();
    const health = (device: DeviceView | null) => (device === null ? 'absent' : device.ok ? 'ok' : 'fault');
    return {
      agentVersion: GATE_AGENT_VERSION,
      bundleVersion: status.bundle.version,
      clockTrusted: status.clock.trusted,
      clockOffsetMs: status.clock.offsetMs,
      outboxPending: status.outbox.pending,
      outboxFill: status.outbox.fill,
      oldestPendingAt: status.outbox.oldestPendingAt,
      relay: health(status.relay),
      passageSensor: health(status.passageSensor),
      input: health(status.input),
      fireInput: status.fireInput,
      uptimeSeconds: status.uptimeSeconds,
    };
  }

  async #enroll(): Promise<EnrolledGate | undefined> {
    const { config } = this;
    const store = new IdentityStore(config.storage.dataDir);
    const client = new PortalClient({
      baseUrl: config.portal.url,
      timeoutMs: config.portal.requestTimeoutMs,
      ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
    });
    const backoff = new Backoff({
      minSeconds: config.sync.backoff.minSeconds,
      maxSeconds: config.sync.backoff.maxSeconds,
      jitterPercent: config.sync.jitterPercent,
    });
    for (;;) {
      try {
        const enrolled = await ensureEnrolled({
          store,
          client,
          portalUrl: config.portal.url,
          enrollmentCode: config.portal.enrollmentCode,
        });
        if (enrolled.enrolledNow) this.#log.info({ gateId: enrolled.enrollment.gateId }, 'gate enrolled');
        return enrolled;
      } catch (error) {
        const fatal =
          !isSyncError(error) ||
          [SyncErrorCode.NotEnrolled, SyncErrorCode.EnrollmentRefused, SyncErrorCode.GateRevoked].includes(error.code);
        if (fatal) throw new GateAgentStartError((error as Error).message, { cause: error });
        const delayMs = backoff.fail();
        this.#log.warn({ ...errorDetails(error), retryInMs: delayMs }, 'enrollment failed; the portal is not reachable, retrying');
        const stopped = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), delayMs);
          this.#wakeStopped = () => {
            clearTimeout(timer);
            resolve(true);
          };
        });
        this.#wakeStopped = undefined;
        if (stopped || this.#phase === 'stopping') return undefined;
      }
    }
  }

  #wireHardware(): void {
    const { passage, sensor } = this.hardware;
    passage.events.on('forced-passage', (at) => {
      this.hardware.indicator.show('fault');
      this.#alert({ type: 'forced-passage', detail: `rotation without a grant at ${at.toISOString()}` });
    });
    sensor?.events.on('fault', (detail) => {
      this.hardware.indicator.show('fault');
      this.#alert({ type: 'sensor-fault', detail: `passage sensor: ${detail}`.slice(0, 500) });
    });
  }

  #grant(eventId: string, pass: ScanPass | undefined): void {
    const done = this.hardware.passage.grant(eventId).then(
      (result) => this.#onPassage(result, pass),
      (error: unknown) => this.#log.error(errorDetails(error), 'passage failed'),
    );
    this.#grants.add(done);
    void done.finally(() => this.#grants.delete(done));
  }

  /**
   * The pass's recorded passages, with each grant still open on disk counted as a passage at its grant time: until
   * its passage event is recorded, a second scan of the pass (a single-entry pass handed back over the turnstile, a
   * re-entry inside the window) is denied as if the first had passed. A grant that ends without a passage leaves the
   * pass as it was.
   */
  #usageWithUnderway(passId: string): PassUsage | undefined {
    const stored = this.store.usage.get(passId);
    const underway = this.store.outbox.openGrantsOfPass(passId);
    if (!underway) return stored;
    const last = stored && stored.lastPassageAt > underway.lastGrantedAt ? stored.lastPassageAt : underway.lastGrantedAt;
    return {
      passId,
      firstPassageAt: stored?.firstPassageAt ?? underway.lastGrantedAt,
      lastPassageAt: last,
      passages: (stored?.passages ?? 0) + underway.count,
    };
  }

  #recordInterruptedPassages(recorder: GateEventRecorder): void {
    try {
      const count = recorder.recordInterruptedPassages();
      this.#log.info({ count }, 'open grants left by the last stop recorded as interrupted passages');
    } catch (error) {
      // Left open on disk: the next start tries again. The gate still runs; new grants are recorded as usual.
      this.#log.error(errorDetails(error), 'passages cut short by the last stop could not be recorded as interrupted');
    }
  }

  #onPassage(result: PassageResult, pass: ScanPass | undefined): void {
    if (this.#abandoned) return; // stopAbruptly(): as after SIGKILL, nothing more is recorded
    try {
      // Anti-passback and single use change only on a passage (a sensed one, or the pulse where there is no sensor),
      // in the transaction that records it.
      const usage =
        result.outcome === 'passed' && pass ? { passId: pass.passId, campusDay: pass.campusDay, at: result.endedAt } : undefined;
      this.#recorder?.record(
        { type: 'passage', passage: result.outcome, scanEventId: result.scanEventId, pass: eventPass(pass), detail: result.detail },
        undefined,
        usage ? { usage } : {},
      );
    } catch (error) {
      this.#log.error({ ...errorDetails(error), scanEventId: result.scanEventId }, 'passage outcome could not be recorded');
    }
    if (result.outcome !== 'passed') this.hardware.indicator.show(result.outcome === 'sensor-fault' ? 'fault' : 'idle');
    this.#log.info({ scanEventId: result.scanEventId, outcome: result.outcome, sensed: result.sensed }, 'passage ended');
    this.events.emit('passage', {
      scanEventId: result.scanEventId,
      outcome: result.outcome,
      at: result.endedAt.toISOString(),
      detail: result.detail,
    });
  }

  #onClockAlert(alert: ClockAlert): void {
    this.#log.warn({ alert }, 'clock alert');
    this.#alert(clockAlertEventFields(alert));
  }

  /** Records an alarm or alert event (kept until enrollment gives the gate its id) and shows it on the guard page. */
  #alert(fields: GateEventFields): void {
    if (this.#abandoned) return;
    const view = { reason: fields.reason ?? fields.type, detail: fields.detail ?? null, at: new Date().toISOString() };
    if (!this.#recorder) {
      this.#pendingAlerts.push(fields);
    } else {
      try {
        this.#recorder.record(fields);
      } catch (error) {
        this.#log.error({ ...errorDetails(error), alert: view.reason }, 'alert could not be recorded');
      }
    }
    this.events.emit('alert', view);
  }

  #startTimers(): void {
    const every = (ms: number, task: () => unknown) => {
      const timer = setInterval(() => {
        try {
          const result = task();
          if (result instanceof Promise) result.catch((error: unknown) => this.#log.warn(errorDetails(error), 'periodic task failed'));
        } catch (error) {
          this.#log.warn(errorDetails(error), 'periodic task failed');
        }
      }, ms);
      timer.unref();
      this.#timers.push(timer);
    };
    every(this.config.clock.ntpCheckIntervalSeconds * 1000, () => this.clock.checkNtp());
    every(CLOCK_CHECKPOINT_MS, () => this.clock.checkpoint());
    every(PRUNE_INTERVAL_MS, () => {
      const now = this.clock.reading().now;
      this.store.outbox.pruneDelivered(now);
      const today = this.#sync?.holder.current()?.campusDay;
      if (today !== undefined) this.store.usage.pruneBefore(today - 1);
    });
    // The alert fires on the way up; a drain brings it back down, so the next crossing alerts again.
    every(MINUTE_MS, () => this.#recorder?.checkFill());
  }

  async #startInput(): Promise<void> {
    const input = await createInputSource(this.config.input);
    this.#inputDescription = input.source.description;
    if (input.kind === 'frames') this.#decoder = await createQrDecoder(this.config.decoder.engine);
    const stream = new ScanStream({
      input,
      ...(this.#decoder ? { decoder: this.#decoder } : {}),
      preprocess: this.config.decoder,
      repeatHoldMs: this.config.scan.repeatHoldMs,
    });
    stream.on('scan', (scan) => {
      if (this.#phase === 'running') this.handleScan(scan);
    });
    stream.on('problem', (error) => {
      this.#inputProblem = { detail: error.message, framesReceived: stream.decodeStats?.framesReceived ?? 0 };
      this.#log.warn(errorDetails(error), 'input problem');
    });
    this.#scanStream = stream;
    await stream.start();
  }

  #inputHealth(): DeviceView {
    const problem = this.#inputProblem;
    const frames = this.#scanStream?.decodeStats?.framesReceived ?? 0;
    // A problem stands until the input delivers again.
    if (problem && frames <= problem.framesReceived) return { ok: false, detail: problem.detail };
    // Not started yet: the agent is starting (the input opens right after the first heartbeat), not a fault; a
    // failed start stops the agent.
    if (!this.#scanStream) return { ok: true, detail: 'not started' };
    return { ok: true, detail: this.#scanStream.decodeStats ? `${frames} frames` : 'listening' };
  }

  #setPhase(phase: AgentPhase): void {
    this.#phase = phase;
    this.events.emit('phase', phase);
  }
}

function deviceView(health: { ok: boolean; detail: string }): DeviceView {
  return { ok: health.ok, detail: health.detail };
}

function displayOf(display: BundlePass | undefined): Pick<ScanView, 'name' | 'hostName' | 'photo'> {
  if (!display) return { name: null, hostName: null, photo: null };
  return {
    name: display.displayName,
    hostName: display.hostName,
    photo: display.thumbnailJpegBase64 ? `data:image/jpeg;base64,${display.thumbnailJpegBase64}` : null,
  };
}
