import type { GateConfig, IndicatorConfig, InputConfig, PassageSensorConfig, RelayConfig } from '../config/gate-config.schema.js';
import type { QrDecoder } from '../decoder/qr-decoder.port.js';
import type { GateHardware, HardwareEnvironment } from '../hardware/create-hardware.js';
import type { Indicator } from '../hardware/indicator.port.js';
import { PassageController } from '../hardware/passage.js';
import type { PassageSensor } from '../hardware/passage-sensor.port.js';
import type { Relay } from '../hardware/relay.port.js';
import type { InputSource } from '../input/create-input-source.js';

// One factory per port, each loading only the adapter the config names (dynamic import): a gate with a GPIO relay
// never loads serialport, a camera gate never loads sharp. The adapters' drivers (serialport's native binding,
// sharp/libvips, node-webcam) are most of what a gate's RSS would otherwise carry unused.
// The choices mirror hardware/create-hardware.ts and input/create-input-source.ts, which load every adapter.

class NoIndicator implements Indicator {
  readonly kind = 'none' as const;
  async open(): Promise<void> {}
  show(): void {}
  async close(): Promise<void> {}
}

export async function createRelay(config: RelayConfig, environment: HardwareEnvironment): Promise<Relay> {
  switch (config.type) {
    case 'gpio': {
      const { GpioRelay } = await import('../hardware/gpio/gpio-relay.adapter.js');
      return new GpioRelay({ bcmPin: config.bcmPin, activeLow: config.activeLow, sysfsRoot: environment.gpioSysfsRoot });
    }
    case 'serial': {
      const [{ SerialRelay }, { DEFAULT_RELAY_BOARDS_DIR, loadRelayBoardTable }] = await Promise.all([
        import('../hardware/serial-relay/serial-relay.adapter.js'),
        import('../hardware/serial-relay/relay-board-table.js'),
      ]);
      return new SerialRelay({
        path: config.path,
        channel: config.channel,
        baudRate: config.baudRate,
        table: loadRelayBoardTable(config.board, environment.relayBoardsDir ?? DEFAULT_RELAY_BOARDS_DIR),
      });
    }
    case 'simulated': {
      const { SimulatedRelay } = await import('../hardware/simulated/simulated-relay.adapter.js');
      return new SimulatedRelay();
    }
  }
}

export async function createPassageSensor(
  config: PassageSensorConfig,
  relay: Relay,
  environment: HardwareEnvironment,
): Promise<PassageSensor | undefined> {
  switch (config.type) {
    case 'none':
      return undefined;
    case 'gpio': {
      const [{ GpioPassageSensor }, { DEFAULT_GPIO_SYSFS_ROOT }] = await Promise.all([
        import('../hardware/gpio/gpio-passage-sensor.adapter.js'),
        import('../hardware/gpio/gpio-chip.js'),
      ]);
      return new GpioPassageSensor({
        bcmPin: config.bcmPin,
        activeLow: config.activeLow,
        debounceMs: config.debounceMs,
        sysfsRoot: environment.gpioSysfsRoot ?? DEFAULT_GPIO_SYSFS_ROOT,
      });
    }
    case 'serial': {
      const { SerialPassageSensor } = await import('../hardware/serial-sensor/serial-passage-sensor.adapter.js');
      return new SerialPassageSensor({
        path: config.path,
        line: config.line,
        activeLow: config.activeLow,
        pollMs: config.pollMs,
        debounceMs: config.debounceMs,
      });
    }
    case 'simulated': {
      const { SimulatedPassageSensor } = await import('../hardware/simulated/simulated-passage-sensor.adapter.js');
      const sensor = new SimulatedPassageSensor();
      // Stands in for a person: walks through passAfterMs after each release of the turnstile.
      relay.events.on('state', (state) => state === 'on' && sensor.rotateAfter(config.passAfterMs));
      return sensor;
    }
  }
}

export async function createIndicator(config: IndicatorConfig, environment: HardwareEnvironment): Promise<Indicator> {
  switch (config.type) {
    case 'none':
      return new NoIndicator();
    case 'gpio': {
      const { GpioIndicator } = await import('../hardware/gpio/gpio-indicator.adapter.js');
      return new GpioIndicator({
        greenPin: config.greenPin,
        redPin: config.redPin,
        buzzerPin: config.buzzerPin,
        activeLow: config.activeLow,
        sysfsRoot: environment.gpioSysfsRoot,
      });
    }
    case 'simulated': {
      const { SimulatedIndicator } = await import('../hardware/simulated/simulated-indicator.adapter.js');
      return new SimulatedIndicator();
    }
  }
}

/** The devices the config names and the passage state machine over them (built, not opened). */
export async function createHardware(
  config: Pick<GateConfig, 'relay' | 'passageSensor' | 'indicator'>,
  environment: HardwareEnvironment = {},
): Promise<GateHardware> {
  const relay = await createRelay(config.relay, environment);
  const sensor = await createPassageSensor(config.passageSensor, relay, environment);
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

/** The frame source or scanner the config names (not started). */
export async function createInput(config: InputConfig): Promise<InputSource> {
  switch (config.type) {
    case 'ffmpeg': {
      const { createFfmpegFrameSource, v4l2InputArgs } = await import('../input/ffmpeg/ffmpeg-frame-source.adapter.js');
      return {
        kind: 'frames',
        source: createFfmpegFrameSource({
          width: config.width,
          height: config.height,
          inputArgs: v4l2InputArgs(config),
          restart: 'always',
          description: `ffmpeg ${config.device} ${config.width}x${config.height}@${config.fps}`,
        }),
      };
    }
    case 'rpicam': {
      const { createRpicamFrameSource } = await import('../input/rpicam/rpicam-frame-source.adapter.js');
      return { kind: 'frames', source: createRpicamFrameSource(config) };
    }
    case 'webcam': {
      const { WebcamFrameSource } = await import('../input/webcam/webcam-frame-source.adapter.js');
      return { kind: 'frames', source: new WebcamFrameSource(config) };
    }
    case 'file': {
      const [{ FileFrameSource }, { default: sharp }] = await Promise.all([
        import('../input/file/file-frame-source.adapter.js'),
        import('sharp'),
      ]);
      // Images are read one at a time and never again: libvips' operation cache and thread pool would only hold memory.
      sharp.cache(false);
      sharp.concurrency(1);
      return { kind: 'frames', source: new FileFrameSource(config) };
    }
    case 'serial-scanner': {
      const { SerialScannerSource } = await import('../input/serial-scanner/serial-scanner.adapter.js');
      return { kind: 'text', source: new SerialScannerSource(config) };
    }
  }
}

/** The QR decoder named by decoder.engine (only for camera and file inputs). */
export async function createDecoder(engine: GateConfig['decoder']['engine']): Promise<QrDecoder> {
  switch (engine) {
    case 'jsqr': {
      const { JsqrDecoder } = await import('../decoder/jsqr/jsqr-decoder.adapter.js');
      return new JsqrDecoder();
    }
    case 'zxing-wasm': {
      const { ZxingDecoder } = await import('../decoder/zxing/zxing-decoder.adapter.js');
      return ZxingDecoder.create();
    }
  }
}
