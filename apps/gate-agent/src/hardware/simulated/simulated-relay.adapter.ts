import { SwitchedRelay } from '../switched-relay.js';

export interface SimulatedRelaySwitch {
  readonly on: boolean;
  readonly at: Date;
}

/** A relay with no hardware: it records each switch so tests and demos can see what a real board would do. */
export class SimulatedRelay extends SwitchedRelay {
  readonly kind = 'simulated' as const;
  readonly switches: SimulatedRelaySwitch[] = [];

  protected async openDevice(): Promise<void> {}

  protected async drive(on: boolean): Promise<void> {
    this.switches.push({ on, at: new Date() });
  }

  protected async closeDevice(): Promise<void> {}
}
