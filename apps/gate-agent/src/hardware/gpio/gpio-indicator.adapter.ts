import type { Gpio } from 'onoff';
import { type Indicator, INDICATOR_PATTERNS, type IndicatorSignal } from '../indicator.port.js';
import { openOutputLine } from './gpio-line.js';

export interface GpioIndicatorOptions {
  readonly greenPin: number;
  readonly redPin: number;
  readonly buzzerPin?: number;
  readonly activeLow: boolean;
  readonly sysfsRoot?: string;
}

/** Green and red lamps and an optional buzzer on GPIO outputs, driven by {@link INDICATOR_PATTERNS}. */
export class GpioIndicator implements Indicator {
  readonly kind = 'gpio' as const;
  private lines: { green: Gpio; red: Gpio; buzzer: Gpio | undefined } | undefined;
  private timers: NodeJS.Timeout[] = [];

  constructor(private readonly options: GpioIndicatorOptions) {}

  async open(): Promise<void> {
    const line = (bcmPin: number, purpose: string) =>
      openOutputLine({ bcmPin, activeLow: this.options.activeLow, sysfsRoot: this.options.sysfsRoot, purpose });
    this.lines = {
      green: line(this.options.greenPin, 'green indicator'),
      red: line(this.options.redPin, 'red indicator'),
      buzzer: this.options.buzzerPin === undefined ? undefined : line(this.options.buzzerPin, 'buzzer'),
    };
  }

  show(signal: IndicatorSignal): void {
    const lines = this.lines;
    if (!lines) return;
    this.allOff();
    const pattern = INDICATOR_PATTERNS[signal];
    if (pattern.lamp !== 'none') {
      const lamp = pattern.lamp === 'green' ? lines.green : lines.red;
      lamp.writeSync(1);
      this.later(pattern.lampMs, () => lamp.writeSync(0));
    }
    const buzzer = lines.buzzer;
    if (buzzer) {
      let at = 0;
      for (const step of pattern.buzzer) {
        this.later(at, () => buzzer.writeSync(1));
        this.later(at + step.onMs, () => buzzer.writeSync(0));
        at += step.onMs + step.offMs;
      }
    }
  }

  async close(): Promise<void> {
    this.allOff();
    this.lines = undefined;
  }

  private later(ms: number, action: () => void): void {
    this.timers.push(setTimeout(action, ms));
  }

  private allOff(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers = [];
    if (!this.lines) return;
    for (const line of [this.lines.green, this.lines.red, this.lines.buzzer]) line?.writeSync(0);
  }
}
