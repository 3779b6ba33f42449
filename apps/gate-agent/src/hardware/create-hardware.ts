import type { IndicatorConfig, PassageSensorConfig, RelayConfig } from '../config/gate-config.schema.js';
import { DEFAULT_GPIO_SYSFS_ROOT } from './gpio/gpio-chip.js';
import { GpioIndicator } from './gpio/gpio-indicator.adapter.js';
import { GpioPassageSensor } from './gpio/gpio-passage-sensor.adapter.js';
import { GpioRelay } from './gpio/gpio-relay.adapter.js';
import type { Indicator, IndicatorSignal } from './indicator.port.js';
import { PassageController } from './passage.js';
import type { PassageSensor } from './passage-sensor.port.js';
import type { Relay } from './relay.port.js';
import { DEFAULT_RELAY_BOARDS_DIR, loadRelayBoardTable } from './serial-relay/relay-board-table.js';
import { SerialRelay } from './serial-relay/serial-relay.adapter.js';
import { SerialPassageSensor } from './serial-sensor/serial-passage-sensor.adapter.js';
import { SimulatedIndicator } from './simulated/simulated-indicator.adapter.js';
import { SimulatedPassageSensor } from './simulated/simulated-passage-sensor.adapter.js';
import { SimulatedRelay } from './simulated/simulated-relay.adapter.js';

export interface HardwareConfig {
  readonly relay: RelayConfig;
  readonly passageSensor: PassageSensorConfig;
  readonly indicator: IndicatorConfig;
}

export interface HardwareEnvironment {
  readonly relayBoardsDir?: string;
  readonly gpioSysfsRoot?: string;
}

/** The gate's devices, chosen from its config, and the passage state machine over them. */
export interface GateHardware {
  readonly relay: Relay;
  readonly sensor: PassageSensor | undefined;
  readonly indicator: Indicator;
  readonly passage: PassageController;
  /** Opens every device; the relay is driven off first. */
  open(): Promise<void>;
  /** Ends open passages, drives the relay off and closes every device. */
  close(): Promise<void>;
}

class NoIndicator implements Indicator {
  readonly kind = 'none' as const;
  async open(): Promise<void> {}
  show(_signal: IndicatorSignal): void {}
  async close(): Promise<void> {}
}

function createRelay(config: RelayConfig, environment: HardwareEnvironment): Relay {
  switch (config.type) {
    case 'gpio':
      return new GpioRelay({ bcmPin: config.bcmPin, activeLow: config.activeLow, sysfsRoot: environment.gpioSysfsRoot });
    case 'serial':
      return new SerialRelay({
        path: config.path,
        channel: config.channel,
        baudRate: config.baudRate,
        table: loadRelayBoardTable(config.board, environment.relayBoardsDir ?? DEFAULT_RELAY_BOARDS_DIR),
      });
    case 'simulated':
      return new SimulatedRelay();
  }
}

function createSensor(config: PassageSensorConfig, relay: Relay, environment: HardwareEnvironment): PassageSensor | undefined {
  switch (config.type) {
    case 'none':
      return undefined;
    case 'gpio':
      return new GpioPassageSensor({
        bcmPin: config.bcmPin,
        activeLow: config.activeLow,
        debounceMs: config.debounceMs,
        sysfsRoot: environment.gpioSysfsRoot ?? DEFAULT_GPIO_SYSFS_ROOT,
      });
    case 'serial':
      return new SerialPassageSensor({
        path: config.path,
        line: config.line,
        activeLow: config.activeLow,
        pollMs: config.pollMs,
        debounceMs: config.debounceMs,
      });
    case 'simulated': {
      const sensor = new SimulatedPassageSensor();
      // Stands in for a person: walks through passAfterMs after each release of the turnstile.
      relay.events.on('state', (state) => state === 'on' && sensor.rotateAfter(config.passAfterMs));
      return sensor;
    }
  }
}

function createIndicator(config: IndicatorConfig, environment: HardwareEnvironment): Indicator {
  switch (config.type) {
    case 'none':
      return new NoIndicator();
    case 'gpio':
      return new GpioIndicator({
        greenPin: config.greenPin,
        redPin: config.redPin,
        buzzerPin: config.buzzerPin,
        activeLow: config.activeLow,
        sysfsRoot: environment.gpioSysfsRoot,
      });
    case 'simulated':
      return new SimulatedIndicator();
  }
}

/** Builds (does not open) the devices the config names; a bad relay-board table fails here, before anything opens. */
export function createGateHardware(config: HardwareConfig, environment: HardwareEnvironment = {}): GateHardware {
  const relay = createRelay(config.relay, environment);
  const sensor = createSensor(config.passageSensor, relay, environment);
  const indicator = createIndicator(config.indicator, environment);
  const timeoutMs = config.passageSensor.type === 'none' ? config.relay.pulseMs : config.passageSensor.timeoutMs;
  const passage = new PassageController(relay, sensor, { pulseMs: config.relay.pulseMs, timeoutMs });
  return {
    relay,
    sensor,
    indicator,
    passage,
    async open() {
      await relay.open();
      await sensor?.open();
      await indicator.open();
    },
    async close() {
      passage.stop();
      await relay.close();
      await sensor?.close();
      await indicator.close();
    },
  };
}
