import { HardwareError, HardwareErrorCode } from './hardware.error.js';
import { assertPulseBounds, type DeviceHealth, type Relay, type RelayEvents, type RelayState } from './relay.port.js';
import { TypedEventEmitter } from './typed-event-emitter.js';

/**
 * The pulse logic every relay adapter shares: the off is scheduled before the on is sent (so a failed or slow on
 * command is still followed by an off), a pulse during a pulse extends it, and errors show up in `health()`.
 * Adapters supply the device commands.
 */
export abstract class SwitchedRelay implements Relay {
  abstract readonly kind: Relay['kind'];
  readonly events = new TypedEventEmitter<RelayEvents>();
  private current: RelayState = 'unknown';
  private offTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private lastHealth: DeviceHealth = { ok: false, detail: 'not opened yet', lastSeenAt: undefined };

  /** Opens the device (no output change yet). */
  protected abstract openDevice(): Promise<void>;
  /** Sends one on or off command; resolves when the device took it. */
  protected abstract drive(on: boolean): Promise<void>;
  protected abstract closeDevice(): Promise<void>;

  /** Starts a pulse of `ms`; adapters whose hardware can time the pulse itself override this. */
  protected startPulse(_ms: number): Promise<void> {
    return this.drive(true);
  }

  async open(): Promise<void> {
    await this.openDevice();
    await this.command(false);
  }

  async pulse(ms: number): Promise<void> {
    assertPulseBounds(ms);
    this.assertOpen();
    clearTimeout(this.offTimer);
    this.offTimer = setTimeout(() => {
      this.offTimer = undefined;
      // The failure is already reported through health(); nothing awaits a timer.
      this.command(false).catch(() => undefined);
    }, ms);
    try {
      await this.startPulse(ms);
    } catch (error) {
      this.reportHealth({ ok: false, detail: `pulse failed: ${(error as Error).message}` });
      throw error;
    }
    this.setState('on');
    this.reportHealth({ ok: true, detail: 'pulsed' });
  }

  async release(): Promise<void> {
    this.assertOpen();
    clearTimeout(this.offTimer);
    this.offTimer = undefined;
    await this.command(false);
  }

  state(): RelayState {
    return this.current;
  }

  health(): DeviceHealth {
    return this.lastHealth;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    clearTimeout(this.offTimer);
    this.offTimer = undefined;
    try {
      await this.command(false);
    } catch {
      // Closing anyway: the device is gone or broken, and the caller is shutting down.
    }
    this.closed = true;
    await this.closeDevice();
    this.events.removeAllListeners();
  }

  protected async command(on: boolean): Promise<void> {
    try {
      await this.drive(on);
    } catch (error) {
      this.reportHealth({ ok: false, detail: `switching ${on ? 'on' : 'off'} failed: ${(error as Error).message}` });
      throw error;
    }
    this.setState(on ? 'on' : 'off');
    this.reportHealth({ ok: true, detail: on ? 'on' : 'off' });
  }

  protected setState(state: RelayState): void {
    if (state === this.current) return;
    this.current = state;
    this.events.emit('state', state, new Date());
  }

  /** Records the device's health; `lastSeenAt` moves only when the device proved it was there. */
  protected reportHealth(health: { ok: boolean; detail: string }): void {
    const next: DeviceHealth = { ...health, lastSeenAt: health.ok ? new Date() : this.lastHealth.lastSeenAt };
    const changed = next.ok !== this.lastHealth.ok || next.detail !== this.lastHealth.detail;
    this.lastHealth = next;
    if (changed) this.events.emit('health', next);
  }

  /** A pulse is running: its off is still to come. */
  protected pulseInProgress(): boolean {
    return this.offTimer !== undefined;
  }

  protected isClosed(): boolean {
    return this.closed;
  }

  private assertOpen(): void {
    if (this.closed) throw new HardwareError(HardwareErrorCode.Closed, `The ${this.kind} relay was used after close().`);
  }
}
