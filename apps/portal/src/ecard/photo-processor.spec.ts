import { crc32, deflateSync } from 'node:zlib';
import sharp, { type Sharp } from 'sharp';
import { EcardException } from './ecard.exception.js';
import { PHOTO_MAX_BYTES, processPhoto, sniffImageType } from './photo-processor.js';

/** A photo-like image (noise, so JPEG sizes are realistic) of the given size. */
async function picture(width: number, height: number): Promise<Sharp> {
  const noise = Buffer.alloc(width * height * 3);
  for (let index = 0; index < noise.length; index++) noise[index] = (index * 2654435761) >>> 24;
  return sharp(noise, { raw: { width, height, channels: 3 } }).blur(2);
}

/** A JPEG stored landscape 1000×750 with EXIF orientation 6 (shown portrait 750×1000), a camera make and GPS. */
async function jpegWithGps(): Promise<Buffer> {
  return (await picture(1000, 750))
    .jpeg()
    .withMetadata({ orientation: 6 })
    .withExifMerge({
      IFD0: { Make: 'LeakyCam', Model: 'GPS-9000' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '22/1 18/1 3000/100', GPSLongitudeRef: 'E', GPSLongitude: '114/1 10/1 0/1' },
    })
    .toBuffer();
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A PNG of a few hundred bytes whose header declares 20000×20000 pixels (a decompression bomb's shape). */
function pngBomb(): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(20000, 0);
  header.writeUInt32BE(20000, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.alloc(20001 * 4))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

async function refusal(input: Buffer): Promise<EcardException> {
  try {
    await processPhoto(input);
  } catch (error) {
    if (error instanceof EcardException) return error;
    throw error;
  }
  throw new Error('processPhoto accepted the input');
}

const GPS_IFD_POINTER = Buffer.from([0x25, 0x88]); // tag 0x8825 (GPSInfo), little endian as sharp writes it

describe('processPhoto', () => {
  it('fixes the orientation, makes a 600×800 card and a small 120×160 thumbnail, and strips every bit of metadata (GPS too)', async () => {
    const input = await jpegWithGps();
    const before = await sharp(input).metadata();
    expect(before.orientation).toBe(6);
    expect(before.exif?.includes(GPS_IFD_POINTER)).toBe(true);
    expect(input.includes('LeakyCam')).toBe(true);

    const photo = await processPhoto(input);
    expect(photo).toMatchObject({ sourceFormat: 'jpeg', sourceWidth: 750, sourceHeight: 1000 });
    for (const [output, width, height] of [
      [photo.card, 600, 800],
      [photo.thumb, 120, 160],
    ] as const) {
      const meta = await sharp(output).metadata();
      expect(meta).toMatchObject({ format: 'jpeg', width, height });
      expect(meta.exif).toBeUndefined();
      expect(meta.xmp).toBeUndefined();
      expect(meta.iptc).toBeUndefined();
      expect(meta.icc).toBeUndefined();
      expect(meta.orientation).toBeUndefined();
      expect(output.includes('LeakyCam')).toBe(false);
      expect(output.includes('Exif')).toBe(false);
    }
    expect(photo.thumb.length).toBeLessThan(10 * 1024);
    expect(photo.sha256).toHaveLength(32);
  });

  it('takes PNG (transparency flattened) and WebP', async () => {
    const png = await (await picture(600, 900)).ensureAlpha(0.5).png().toBuffer();
    const fromPng = await processPhoto(png);
    expect(fromPng.sourceFormat).toBe('png');
    expect(await sharp(fromPng.card).metadata()).toMatchObject({ format: 'jpeg', width: 600, height: 800, hasAlpha: false });

    const webp = await (await picture(450, 600)).webp().toBuffer();
    const fromWebp = await processPhoto(webp);
    expect(fromWebp.sourceFormat).toBe('webp');
    expect(await sharp(fromWebp.thumb).metadata()).toMatchObject({ format: 'jpeg', width: 120, height: 160 });
  });

  it('judges the type by content: a text file (named .jpg or not) is not a photo', async () => {
    const error = await refusal(Buffer.from('This is not a photo, just text saved as photo.jpg\n'));
    expect(error.code).toBe('photo-not-an-image');
    expect(error.httpStatus).toBe(400);
    expect(error.message).toMatch(/not a photo.*JPEG, PNG or WebP/);
  });

  it('says that HEIC cannot be read, and how to get a JPEG', async () => {
    const heic = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypheic\0\0\0\0mif1heic', 'latin1'), Buffer.alloc(64)]);
    expect(sniffImageType(heic)).toBe('heic');
    const error = await refusal(heic);
    expect(error.code).toBe('photo-unsupported-type');
    expect(error.message).toMatch(/HEIC/);
    expect(error.message).toMatch(/JPEG/);
  });

  it('refuses GIF and damaged files with what to do', async () => {
    const gif = await (await picture(300, 400)).gif().toBuffer();
    expect((await refusal(gif)).code).toBe('photo-unsupported-type');
    const jpeg = await (await picture(600, 800)).jpeg().toBuffer();
    const cut = await refusal(jpeg.subarray(0, 600));
    expect(cut.code).toBe('photo-unreadable');
  });

  it('refuses a decompression bomb from its header, fast', async () => {
    const bomb = pngBomb();
    expect(bomb.length).toBeLessThan(2048);
    const started = performance.now();
    const error = await refusal(bomb);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(error.code).toBe('photo-too-many-pixels');
    expect(error.message).toContain('20000×20000');
  });

  it('refuses an image over 40 megapixels', async () => {
    const huge = await sharp({ create: { width: 8000, height: 6000, channels: 3, background: '#808080' } })
      .png()
      .toBuffer();
    const error = await refusal(huge);
    expect(error.code).toBe('photo-too-many-pixels');
    expect(error.details).toMatchObject({ width: 8000, height: 6000 });
  });

  it('refuses more than 10 MB with 413', async () => {
    const big = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(30 * 1024 * 1024)]);
    const error = await refusal(big);
    expect(error.code).toBe('photo-too-large');
    expect(error.httpStatus).toBe(413);
    expect(error.details).toEqual({ maxBytes: PHOTO_MAX_BYTES });
  });

  it('refuses a photo smaller than 300×400 (upright) and says the minimum', async () => {
    const small = await (await picture(200, 260)).jpeg().toBuffer();
    const error = await refusal(small);
    expect(error.code).toBe('photo-too-small');
    expect(error.message).toContain('200×260');
    expect(error.message).toContain('300×400');
    // 500×350 stored, orientation 6: upright it is 350×500, which is big enough.
    const turned = await (await picture(500, 350)).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    expect((await processPhoto(turned)).sourceWidth).toBe(350);
    // 500×350 with no orientation is too short.
    expect((await refusal(await (await picture(500, 350)).jpeg().toBuffer())).code).toBe('photo-too-small');
  });
});
