import { WHOLE_FRAME } from '../decoder/preprocess.js';
import type { QrDecoder, QrReading } from '../decoder/qr-decoder.port.js';
import type { GreyFrame } from '../input/frame-source.port.js';
import { DecodeLoop, type DecodedText } from './decode-loop.js';

/** A decoder whose every decode waits until the test releases it; it "reads" the frame number in pixel 0. */
class GatedDecoder implements QrDecoder {
  readonly engine = 'jsqr' as const;
  readonly decoded: number[] = [];
  private releases: (() => void)[] = [];

  decode(frame: GreyFrame): Promise<QrReading | null> {
    return new Promise((resolve) => {
      this.releases.push(() => {
        this.decoded.push(frame.data[0]);
        resolve(frame.data[0] === 0 ? null : { text: `code-${frame.data[0]}` });
      });
    });
  }

  get pending(): number {
    return this.releases.length;
  }

  /** Lets the oldest running decode finish, then waits for the loop to react. */
  async releaseOne(): Promise<void> {
    this.releases.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
  }

  async close(): Promise<void> {}
}

let clock = 0;
const frame = (id: number, capturedAt = clock): GreyFrame => ({
  width: 4,
  height: 4,
  stride: 4,
  data: new Uint8Array(16).fill(id),
  capturedAt,
});

function makeLoop(decoder: QrDecoder, maxFrameAgeMs = 500) {
  const loop = new DecodeLoop(decoder, { preprocess: { region: WHOLE_FRAME, downscale: 1 }, maxFrameAgeMs, now: () => clock });
  const texts: DecodedText[] = [];
  loop.on('text', (text) => texts.push(text));
  return { loop, texts };
}

beforeEach(() => {
  clock = 1000;
});

describe('DecodeLoop', () => {
  it('decodes only the newest frame that arrived during a slow decode and counts the others as dropped', async () => {
    const decoder = new GatedDecoder();
    const { loop, texts } = makeLoop(decoder);
    loop.offer(frame(1));
    for (let id = 2; id <= 6; id++) loop.offer(frame(id)); // arrive while frame 1 is decoding
    expect(decoder.pending).toBe(1); // one decode at a time, nothing queued behind it
    await decoder.releaseOne();
    expect(decoder.pending).toBe(1); // frame 6 now
    await decoder.releaseOne();
    await loop.idle();
    expect(decoder.decoded).toEqual([1, 6]);
    expect(texts.map((text) => text.text)).toEqual(['code-1', 'code-6']);
    expect(loop.stats).toEqual({ framesReceived: 6, framesDecoded: 2, framesDropped: 4, codesFound: 2 });
  });

  it('drops the waiting frame when it is older than maxFrameAgeMs by the time the decoder is free', async () => {
    const decoder = new GatedDecoder();
    const { loop, texts } = makeLoop(decoder, 200);
    loop.offer(frame(1));
    loop.offer(frame(2, 1000));
    clock = 1300; // the decode of frame 1 took 300 ms: frame 2 shows the past
    await decoder.releaseOne();
    await loop.idle();
    expect(decoder.decoded).toEqual([1]);
    expect(texts.map((text) => text.text)).toEqual(['code-1']);
    expect(loop.stats.framesDropped).toBe(1);
    // The next fresh frame is decoded at once.
    loop.offer(frame(3));
    await decoder.releaseOne();
    await loop.idle();
    expect(decoder.decoded).toEqual([1, 3]);
  });

  it('emits nothing for frames without a code and reports decoder errors without stopping', async () => {
    const failing: QrDecoder = {
      engine: 'jsqr',
      decode: async (input) => {
        if (input.data[0] === 9) throw new Error('decoder blew up');
        return null;
      },
      close: async () => {},
    };
    const { loop, texts } = makeLoop(failing);
    const errors: Error[] = [];
    loop.on('error', (error) => errors.push(error));
    loop.offer(frame(9));
    await loop.idle();
    loop.offer(frame(0));
    await loop.idle();
    expect(texts).toEqual([]);
    expect(errors.map((error) => error.message)).toEqual(['decoder blew up']);
    expect(loop.stats).toEqual({ framesReceived: 2, framesDecoded: 1, framesDropped: 0, codesFound: 0 });
  });

  it('reports when the code was captured and how long the decode took', async () => {
    const decoder = new GatedDecoder();
    const { loop, texts } = makeLoop(decoder);
    loop.offer(frame(5, 990));
    clock = 1040;
    await decoder.releaseOne();
    await loop.idle();
    expect(texts).toEqual([{ text: 'code-5', capturedAt: 990, decodeMs: 40 }]);
  });
});
