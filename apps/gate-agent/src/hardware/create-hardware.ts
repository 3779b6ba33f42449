import type { IndicatorConfig, PassageSensorConfig, RelayConfig } from '../config/gate-config.schema.js';
import type { Indicator, IndicatorSignal } from './indicator.port.js';
import { PassageController } from './passage.js';
import type { PassageSensor } from './passage-sensor.port.js';
import type { Relay } from './relay.port.js';

// Each factory loads only the adapter the config names (dynamic import): a gate with a GPIO relay never loads
// serialport. The adapters' drivers (serialport's native binding, onoff) are a large part of what a gate's RSS would
// otherwise carry unused.

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

async function createRelay(config: RelayConfig, environment: HardwareEnvironment): Promise<Relay> {
  switch (config.type) {
    case 'gpio': {
      const { GpioRelay } = await import('./gpio/gpio-relay.adapter.js');
      return new GpioRelay({ bcmPin: config.bcmPin, activeLow: config.activeLow, sysfsRoot: environment.gpioSysfsRoot });
    }
    case 'serial': {
      // One import at a time: Jest's ESM loader fails concurrent imports that share a module ("not in cache").
      const { SerialRelay } = await import('./serial-relay/serial-relay.adapter.js');
      const { DEFAULT_RELAY_BOARDS_DIR, loadRelayBoardTable } = await import('./serial-relay/relay-board-table.js');
      return new SerialRelay({
        path: config.path,
        channel: config.channel,
        baudRate: config.baudRate,
        table: loadRelayBoardTable(config.board, environment.relayBoardsDir ?? DEFAULT_RELAY_BOARDS_DIR),
      });
    }
    case 'simulated': {
      const { SimulatedRelay } = await import('./simulated/simulated-relay.adapter.js');
      return new SimulatedRelay();
    }
  }
}

async function createSensor(
  config: PassageSensorConfig,
  relay: Relay,
  environment: HardwareEnvironment,
): Promise<PassageSensor | undefined> {
  switch (config.type) {
    case 'none':
      return undefined;
    case 'gpio': {
      const { GpioPassageSensor } = await import('./gpio/gpio-passage-sensor.adapter.js');
      const { DEFAULT_GPIO_SYSFS_ROOT } = await import('./gpio/gpio-chip.js');
      return new GpioPassageSensor({
        bcmPin: config.bcmPin,
        activeLow: config.activeLow,
        debounceMs: config.debounceMs,
        sysfsRoot: environment.gpioSysfsRoot ?? DEFAULT_GPIO_SYSFS_ROOT,
      });
    }
    case 'serial': {
      const { SerialPassageSensor } = await import('./serial-sensor/serial-passage-sensor.adapter.js');
      return new SerialPassageSensor({
        path: config.path,
        line: config.line,
        activeLow: config.activeLow,
        pollMs: config.pollMs,
        debounceMs: config.debounceMs,
      });
    }
    case 'simulated': {
      const { SimulatedPassageSensor } = await import('./simulated/simulated-passage-sensor.adapter.js');
      const sensor = new SimulatedPassageSensor();
      // Stands in for a person: walks through passAfterMs after each release of the turnstile.
      relay.events.on('state', (state) => state === 'on' && sensor.rotateAfter(config.passAfterMs));
      return sensor;
    }
  }
}

async function createIndicator(config: IndicatorConfig, environment: HardwareEnvironment): Promise<Indicator> {
  switch (config.type) {
    case 'none':
      return new NoIndicator();
    case 'gpio': {
      const { GpioIndicator } = await import('./gpio/gpio-indicator.adapter.js');
      return new GpioIndicator({
        greenPin: config.greenPin,
        redPin: config.redPin,
        buzzerPin: config.buzzerPin,
        activeLow: config.activeLow,
        sysfsRoot: environment.gpioSysfsRoot,
      });
    }
    case 'simulated': {
      const { SimulatedIndicator } = await import('./simulated/simulated-indicator.adapter.js');
      return new SimulatedIndicator();
    }
  }
}

/** Builds (does not open) the devices the config names; a bad relay-board table fails here, before anything opens. */
export async function createGateHardware(config: HardwareConfig, environment: HardwareEnvironment = {}): Promise<GateHardware> {
  const relay = await createRelay(config.relay, environment);
  const sensor = await createSensor(config.passageSensor, relay, environment);
  const indicator = await createIndicator(config.indicator, environment);
  const timeoutMs = config.passageSensor.type === 'none' ? config.relay.pulseMs : config.passageSensor.timeoutMs;
  const passage = new PassageController(relay, sensor, { pulseMs: config.relay.pulseMs, timeoutMs });
  return {
    relay,
    sensor,
    indicator,
    passage,
    async open() {
      // The relay first: whatever happens next, the turnstile is not left released.
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
