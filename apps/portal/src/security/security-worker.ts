import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { WorkerHost } from '../core/queue/worker-host.service.js';
import { EntryEvents, type StoredEntry } from '../entries/entry-events.js';
import { AlertsService } from './alerts.service.js';
import { SecurityFeed } from './security-feed.js';
import { SECURITY_SETTINGS, type SecuritySettings } from './security-settings.js';
import { SecurityRepository } from './security.repository.js';

/**
 * The security module's part of the worker process: turns newly stored entries into live-feed messages and
 * alerts, and checks gates' heartbeats periodically (a timer of each worker process: the alert table's unique
 * index and per-key lock keep several workers from raising one condition twice). In processes without workers
 * it does nothing: entries are stored, and announced, only where the gate-events queue is processed.
 */
@Injectable()
export class SecurityWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SecurityWorker.name);
  private stopListening?: () => void;
  private timer?: NodeJS.Timeout;
  private checking?: Promise<unknown>;

  constructor(
    private readonly entryEvents: EntryEvents,
    private readonly repository: SecurityRepository,
    private readonly alerts: AlertsService,
    private readonly feed: SecurityFeed,
    private readonly moduleRef: ModuleRef,
    @Inject(SECURITY_SETTINGS) private readonly settings: SecuritySettings,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.runsWorkers()) return;
    this.stopListening = this.entryEvents.listen((entries) => this.announce(entries));
    this.timer = setInterval(() => void this.checkNow(), this.settings.alertCheckIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopListening?.();
    clearInterval(this.timer);
    await this.checking;
  }

  /** Publishes the stored entries on the feed and raises the alerts they call for (a few statements per batch). */
  async announce(stored: readonly StoredEntry[]): Promise<void> {
    // Built from the stored events (one read of gate names and holders), not read back from gate_event.
    const entries = await this.repository.liveEntries(stored);
    await this.feed.publishAll(entries.map((entry) => ({ type: 'entry' as const, data: entry })));
    await this.alerts.raiseFromEntries(entries);
  }

  /** One run of the periodic check (skipped while the previous one still runs). */
  checkNow(): Promise<unknown> {
    this.checking ??= this.alerts
      .checkGates()
      .catch((error: unknown) => this.logger.warn({ msg: 'security alert check failed; retrying at the next interval', err: error }))
      .finally(() => {
        this.checking = undefined;
      });
    return this.checking;
  }

  private runsWorkers(): boolean {
    try {
      this.moduleRef.get(WorkerHost, { strict: false });
      return true;
    } catch {
      return false;
    }
  }
}
