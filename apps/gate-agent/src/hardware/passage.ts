import type { PassageSensor } from './passage-sensor.port.js';
import type { Relay } from './relay.port.js';
import { TypedEventEmitter } from './typed-event-emitter.js';

/**
 * granted → pulsed → passed | not-passed | sensor-fault (ARCHITECTURE "The passage"). This state lives in memory
 * only; the gate event `interrupted` outcome is not one of these: the agent records it at start-up for grants the
 * store still holds open (the previous run died before their passage ended).
 */
export type PassageState = 'granted' | 'pulsed' | PassageOutcome;
export type PassageOutcome = 'passed' | 'not-passed' | 'sensor-fault';

export interface PassageResult {
  readonly scanEventId: string;
  readonly outcome: PassageOutcome;
  /** true when a sensor confirmed it; false when there is no sensor and the grant counts as the passage. */
  readonly sensed: boolean;
  readonly grantedAt: Date;
  readonly endedAt: Date;
  /** Why it ended this way, for people (relay failure, sensor fault, timeout). */
  readonly detail: string | null;
}

export interface PassageEvents {
  state: [change: { scanEventId: string; state: PassageState; at: Date }];
  outcome: [result: PassageResult];
  /** The sensor saw a rotation no open grant accounts for. */
  'forced-passage': [at: Date];
}

export interface PassageOptions {
  /** relay.pulseMs */
  readonly pulseMs: number;
  /** passageSensor.timeoutMs: counted from the start of the pulse. Unused without a sensor. */
  readonly timeoutMs: number;
}

interface OpenPassage {
  readonly scanEventId: string;
  readonly grantedAt: Date;
  state: PassageState;
  timer: NodeJS.Timeout | undefined;
  settle: (result: PassageResult) => void;
}

/**
 * Runs each grant through the passage state machine. Rotations are matched to open grants oldest first; a rotation
 * with no open grant is a forced passage. Without a sensor a grant counts as a passage once the relay pulsed.
 */
export class PassageController {
  readonly events = new TypedEventEmitter<PassageEvents>();
  private readonly open: OpenPassage[] = [];
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly relay: Relay,
    private readonly sensor: PassageSensor | undefined,
    private readonly options: PassageOptions,
  ) {
    if (sensor) {
      this.unsubscribe.push(
        sensor.events.on('rotation', (at) => this.onRotation(at)),
        sensor.events.on('fault', (detail) => this.onSensorFault(detail)),
      );
    }
  }

  /** Grants passage for the scan already recorded as `scanEventId`; resolves with how the passage ended. */
  grant(scanEventId: string): Promise<PassageResult> {
    return new Promise<PassageResult>((resolve) => {
      const passage: OpenPassage = { scanEventId, grantedAt: new Date(), state: 'granted', timer: undefined, settle: resolve };
      this.open.push(passage);
      this.transition(passage, 'granted');
      if (this.sensor) {
        // Started with the pulse: someone may push through while the relay is still releasing.
        passage.timer = setTimeout(
          () => this.end(passage, 'not-passed', true, `no passage within ${this.options.timeoutMs} ms`),
          this.options.timeoutMs,
        );
      }
      this.relay.pulse(this.options.pulseMs).then(
        () => {
          if (passage.state !== 'granted') return;
          this.transition(passage, 'pulsed');
          if (!this.sensor) this.end(passage, 'passed', false, null);
        },
        (error: unknown) => this.end(passage, 'not-passed', false, `relay: ${(error as Error).message}`),
      );
    });
  }

  /** Grants still waiting for their passage. */
  pending(): number {
    return this.open.length;
  }

  /** Detaches from the sensor and ends every open passage as not passed. */
  stop(): void {
    for (const remove of this.unsubscribe.splice(0)) remove();
    for (const passage of [...this.open]) this.end(passage, 'not-passed', false, 'agent stopping');
    this.events.removeAllListeners();
  }

  private onRotation(at: Date): void {
    const passage = this.open[0];
    if (passage) this.end(passage, 'passed', true, null, at);
    else this.events.emit('forced-passage', at);
  }

  private onSensorFault(detail: string): void {
    for (const passage of [...this.open]) this.end(passage, 'sensor-fault', true, `sensor: ${detail}`);
  }

  private transition(passage: OpenPassage, state: PassageState, at: Date = new Date()): void {
    passage.state = state;
    this.events.emit('state', { scanEventId: passage.scanEventId, state, at });
  }

  private end(passage: OpenPassage, outcome: PassageOutcome, sensed: boolean, detail: string | null, at: Date = new Date()): void {
    const index = this.open.indexOf(passage);
    if (index === -1) return; // already ended (a late relay answer or timer)
    this.open.splice(index, 1);
    clearTimeout(passage.timer);
    this.transition(passage, outcome, at);
    const result: PassageResult = { scanEventId: passage.scanEventId, outcome, sensed, grantedAt: passage.grantedAt, endedAt: at, detail };
    this.events.emit('outcome', result);
    passage.settle(result);
  }
}
