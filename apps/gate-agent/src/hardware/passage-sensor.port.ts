import type { DeviceHealth } from './relay.port.js';
import type { TypedEventEmitter } from './typed-event-emitter.js';

export interface PassageSensorEvents {
  /** One person went through (one debounced activation of the sensor). */
  rotation: [at: Date];
  /** The sensor cannot be trusted any more (read error, port closed); open passages end as sensor-fault. */
  fault: [detail: string];
  health: [health: DeviceHealth];
}

/** Tells the agent that someone went through the turnstile (a rotation contact or a light barrier). */
export interface PassageSensor {
  readonly kind: 'gpio' | 'serial' | 'simulated';
  readonly events: TypedEventEmitter<PassageSensorEvents>;
  open(): Promise<void>;
  health(): DeviceHealth;
  close(): Promise<void>;
}
