import type { PassageSensor, PassageSensorEvents } from '../passage-sensor.port.js';
import type { DeviceHealth } from '../relay.port.js';
import { TypedEventEmitter } from '../typed-event-emitter.js';

/**
 * A passage sensor with no hardware. `rotate()` reports a passage now (tests, the guard page's demo button);
 * `fail()` reports a sensor fault. With `passAfterMs` (config passageSensor.simulated) the agent calls
 * `rotateAfter` at each pulse to stand in for a person walking through.
 */
export class SimulatedPassageSensor implements PassageSensor {
  readonly kind = 'simulated' as const;
  readonly events = new TypedEventEmitter<PassageSensorEvents>();
  private healthState: DeviceHealth = { ok: true, detail: 'simulated', lastSeenAt: undefined };
  private readonly timers = new Set<NodeJS.Timeout>();

  async open(): Promise<void> {}

  rotate(at: Date = new Date()): void {
    this.healthState = { ok: true, detail: 'simulated', lastSeenAt: at };
    this.events.emit('rotation', at);
  }

  rotateAfter(ms: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.rotate();
    }, ms);
    this.timers.add(timer);
  }

  fail(detail: string): void {
    this.healthState = { ok: false, detail, lastSeenAt: this.healthState.lastSeenAt };
    this.events.emit('health', this.healthState);
    this.events.emit('fault', detail);
  }

  health(): DeviceHealth {
    return this.healthState;
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.events.removeAllListeners();
  }
}
