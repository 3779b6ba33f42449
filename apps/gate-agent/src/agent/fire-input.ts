import type { BinaryValue, Gpio } from 'onoff';
import type { GateConfig } from '../config/gate-config.schema.js';

/** The fire/panic input as the guard page and heartbeats report it. */
export type FireInputState = 'normal' | 'active' | 'absent';

/**
 * The fire alarm / panic contact (config `fireInput`). Software never opens the turnstile for it (that is wiring):
 * the agent only shows and reports its state.
 */
export interface FireInput {
  open(): Promise<void>;
  state(): FireInputState;
  close(): Promise<void>;
}

class AbsentFireInput implements FireInput {
  async open(): Promise<void> {}
  state(): FireInputState {
    return 'absent';
  }
  async close(): Promise<void> {}
}

/** A GPIO contact, read at open and on every (debounced) edge. */
class GpioFireInput implements FireInput {
  private line: Gpio | undefined;
  private current: FireInputState = 'normal';

  constructor(
    private readonly config: NonNullable<GateConfig['fireInput']>,
    private readonly sysfsRoot: string | undefined,
  ) {}

  async open(): Promise<void> {
    const { openBothEdgesInputLine } = await import('./gpio-input-line.js');
    this.line = openBothEdgesInputLine({ ...this.config, sysfsRoot: this.sysfsRoot, purpose: `fire input (BCM ${this.config.bcmPin})` });
    this.current = this.line.readSync() === 1 ? 'active' : 'normal';
    this.line.watch((error: Error | null | undefined, value: BinaryValue) => {
      if (!error) this.current = value === 1 ? 'active' : 'normal';
    });
  }

  state(): FireInputState {
    return this.current;
  }

  async close(): Promise<void> {
    this.line?.unwatchAll();
    this.line?.unexport();
    this.line = undefined;
  }
}

/** The fire input the config names (not opened); onoff is loaded only where one is wired. */
export async function createFireInput(config: GateConfig['fireInput'], sysfsRoot?: string): Promise<FireInput> {
  return config === undefined ? new AbsentFireInput() : new GpioFireInput(config, sysfsRoot);
}
