import type { Indicator, IndicatorSignal } from '../indicator.port.js';

/** Feedback without lamps: remembers the signals shown (the guard page displays them). */
export class SimulatedIndicator implements Indicator {
  readonly kind = 'simulated' as const;
  readonly shown: { signal: IndicatorSignal; at: Date }[] = [];

  async open(): Promise<void> {}

  show(signal: IndicatorSignal): void {
    this.shown.push({ signal, at: new Date() });
  }

  async close(): Promise<void> {}
}
