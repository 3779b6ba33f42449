/** What the person at the gate is told. */
export type IndicatorSignal = 'granted' | 'denied' | 'fault' | 'idle';

/** One buzzer/LED step: on for `onMs`, then off for `offMs`. */
export interface BlinkStep {
  readonly onMs: number;
  readonly offMs: number;
}

/** The lamp and the buzzer rhythm for each signal; `idle` is everything off. */
export const INDICATOR_PATTERNS: Readonly<
  Record<IndicatorSignal, { lamp: 'green' | 'red' | 'none'; lampMs: number; buzzer: readonly BlinkStep[] }>
> = {
  granted: { lamp: 'green', lampMs: 2000, buzzer: [{ onMs: 150, offMs: 0 }] },
  denied: {
    lamp: 'red',
    lampMs: 2000,
    buzzer: [
      { onMs: 100, offMs: 100 },
      { onMs: 100, offMs: 100 },
      { onMs: 100, offMs: 0 },
    ],
  },
  fault: { lamp: 'red', lampMs: 5000, buzzer: [{ onMs: 1000, offMs: 0 }] },
  idle: { lamp: 'none', lampMs: 0, buzzer: [] },
};

/** Green/red lamps and a buzzer beside the reader. A new signal replaces the one still showing. */
export interface Indicator {
  readonly kind: 'gpio' | 'simulated' | 'none';
  open(): Promise<void>;
  show(signal: IndicatorSignal): void;
  close(): Promise<void>;
}
