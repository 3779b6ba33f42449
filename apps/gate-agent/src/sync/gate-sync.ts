import { hexToBytes } from '@campuspass/pass-token';
import { PinnedBundleKey } from '../bundle/bundle-signature.js';
import { GateBundleHolder } from '../bundle/gate-bundle-holder.js';
import type { TrustedClock } from '../clock/trusted-clock.js';
import type { GateConfig } from '../config/gate-config.schema.js';
import type { GateIdentity } from '../identity/gate-identity.js';
import type { GateEnrollment } from '../identity/identity-store.js';
import type { BundleStateStore, OutboxStore } from '../store/store.ports.js';
import type { BackoffSettings } from './backoff.js';
import { BullmqGateEventPublisher } from './bullmq-gate-event-publisher.js';
import { BundlePuller } from './bundle-puller.js';
import type { GateEventPublisher } from './gate-event-publisher.port.js';
import { HeartbeatSender, type HeartbeatHealth } from './heartbeat-sender.js';
import { OutboxDrainer } from './outbox-drainer.js';
import { PortalClient } from './portal-client.js';
import { silentSyncLog, type SyncLog } from './sync-log.js';

export interface GateSyncOptions {
  readonly config: Pick<GateConfig, 'portal' | 'sync'>;
  readonly identity: GateIdentity;
  readonly enrollment: GateEnrollment;
  readonly stores: { readonly outbox: OutboxStore; readonly bundle: BundleStateStore };
  readonly clock: TrustedClock;
  /** The agent's health for heartbeats. */
  readonly health: () => HeartbeatHealth;
  /** Default: BullMQ on the enrolled event queue connection. */
  readonly publisher?: GateEventPublisher;
  readonly fetch?: typeof fetch;
  readonly random?: () => number;
  readonly log?: SyncLog;
}

export function backoffSettingsFromConfig(sync: GateConfig['sync']): BackoffSettings {
  return { minSeconds: sync.backoff.minSeconds, maxSeconds: sync.backoff.maxSeconds, jitterPercent: sync.jitterPercent };
}

/**
 * Everything the gate does with the portal once enrolled: bundle pulls, heartbeats and the outbox drain, wired from
 * the config, the pinned enrollment and the durable store. The bundle holder it builds is the one scans decide with.
 */
export class GateSync {
  readonly client: PortalClient;
  readonly holder: GateBundleHolder;
  readonly pinnedKey: PinnedBundleKey;
  readonly puller: BundlePuller;
  readonly heartbeat: HeartbeatSender;
  readonly drainer: OutboxDrainer;
  readonly publisher: GateEventPublisher;

  constructor(options: GateSyncOptions) {
    const { config, identity, enrollment } = options;
    const log = options.log ?? silentSyncLog;
    const backoff = backoffSettingsFromConfig(config.sync);
    const signer = { gateId: enrollment.gateId, identity };
    const random = options.random ?? Math.random;
    this.client = new PortalClient({
      baseUrl: config.portal.url,
      timeoutMs: config.portal.requestTimeoutMs,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    this.pinnedKey = new PinnedBundleKey(hexToBytes(enrollment.bundlePublicKey));
    this.holder = new GateBundleHolder({
      gateId: enrollment.gateId,
      pinnedKey: this.pinnedKey,
      store: options.stores.bundle,
      clock: options.clock,
    });
    this.puller = new BundlePuller({
      client: this.client,
      signer,
      holder: this.holder,
      clock: options.clock,
      intervalSeconds: config.sync.bundleIntervalSeconds,
      backoff,
      random,
      log,
    });
    this.heartbeat = new HeartbeatSender({
      client: this.client,
      signer,
      pinnedKey: this.pinnedKey,
      clock: options.clock,
      health: options.health,
      onNewerBundle: () => this.puller.pullSoon(),
      intervalSeconds: config.sync.heartbeatIntervalSeconds,
      backoff,
      random,
      log,
    });
    this.publisher =
      options.publisher ??
      new BullmqGateEventPublisher({
        redisUrl: enrollment.eventQueue.redisUrl,
        prefix: enrollment.eventQueue.prefix,
        timeoutMs: config.portal.requestTimeoutMs,
      });
    this.drainer = new OutboxDrainer({
      outbox: options.stores.outbox,
      publisher: this.publisher,
      identity,
      gateId: enrollment.gateId,
      batchSize: config.sync.eventBatchSize,
      backoff,
      random,
      log,
    });
  }

  /** Restores the cached bundle, then starts pulling, heartbeats and draining. */
  start(): void {
    this.holder.restore();
    this.puller.start();
    this.heartbeat.start();
    this.drainer.start();
  }

  async stop(): Promise<void> {
    await Promise.all([this.puller.stop(), this.heartbeat.stop(), this.drainer.stop()]);
    await this.publisher.close();
  }
}
