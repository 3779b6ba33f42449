import { createHash } from 'node:crypto';
import sharp, { type Metadata } from 'sharp';
import { EcardException } from './ecard.exception.js';

/** Largest photo an upload may carry (multer refuses a larger body with 413 before it is buffered in full). */
export const PHOTO_MAX_BYTES = 10 * 1024 * 1024;
/** More pixels than this are refused from the header alone, before anything is decoded (decompression bombs). */
export const PHOTO_MAX_PIXELS = 40_000_000;
/** The smallest photo (upright, after EXIF orientation) that still makes a sharp 600×800 card photo. */
export const PHOTO_MIN_WIDTH = 300;
export const PHOTO_MIN_HEIGHT = 400;
export const CARD_SIZE = { width: 600, height: 800 } as const;
export const THUMB_SIZE = { width: 120, height: 160 } as const;

export type AcceptedPhotoFormat = 'jpeg' | 'png' | 'webp';

export interface ProcessedPhoto {
  /** 600×800 JPEG, no metadata. */
  readonly card: Buffer;
  /** 120×160 JPEG, no metadata (small enough for gate bundles). */
  readonly thumb: Buffer;
  /** SHA-256 of the card JPEG. */
  readonly sha256: Buffer;
  readonly sourceFormat: AcceptedPhotoFormat;
  /** Upright size of the uploaded photo. */
  readonly sourceWidth: number;
  readonly sourceHeight: number;
}

const ACCEPTED = 'Upload a JPEG, PNG or WebP photo';

/** What the first bytes say the file is. Judged by content only; the file name and declared type are ignored. */
export function sniffImageType(content: Buffer): AcceptedPhotoFormat | 'heic' | 'avif' | 'gif' | 'tiff' | undefined {
  const starts = (bytes: readonly number[], offset = 0) => bytes.every((byte, index) => content[offset + index] === byte);
  if (starts([0xff, 0xd8, 0xff])) return 'jpeg';
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) return 'webp';
  if (starts([0x47, 0x49, 0x46, 0x38])) return 'gif';
  if (starts([0x49, 0x49, 0x2a, 0x00]) || starts([0x4d, 0x4d, 0x00, 0x2a])) return 'tiff';
  // ISO base media file: `ftyp` at offset 4, then the major brand.
  if (starts([0x66, 0x74, 0x79, 0x70], 4)) {
    const brand = content.subarray(8, 12).toString('latin1');
    if (['avif', 'avis'].includes(brand)) return 'avif';
    if (['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1'].includes(brand)) return 'heic';
  }
  return undefined;
}

const SHARP_OPTIONS = { limitInputPixels: PHOTO_MAX_PIXELS, failOn: 'error', sequentialRead: true } as const;

/**
 * Checks an uploaded photo and makes the card photo and the thumbnail: type by content, byte and pixel caps
 * (from the header, before decoding), minimum size, EXIF orientation applied, re-encoded as JPEG with every
 * piece of metadata (EXIF incl. GPS, XMP, IPTC, ICC) dropped. Throws an EcardException saying what to do.
 */
export async function processPhoto(content: Buffer): Promise<ProcessedPhoto> {
  if (content.length > PHOTO_MAX_BYTES) {
    throw new EcardException('photo-too-large', `The photo is larger than 10 MB. ${ACCEPTED} of at most 10 MB.`, {
      maxBytes: PHOTO_MAX_BYTES,
    });
  }
  const type = sniffImageType(content);
  if (type === 'heic') {
    throw new EcardException(
      'photo-unsupported-type',
      'HEIC/HEIF photos (the iPhone default) cannot be read here. On the iPhone choose Settings > Camera > Formats > "Most Compatible", or export the photo as JPEG, then upload it again.',
    );
  }
  if (type === undefined) {
    throw new EcardException('photo-not-an-image', `The file is not a photo, whatever its name says. ${ACCEPTED}.`);
  }
  if (type !== 'jpeg' && type !== 'png' && type !== 'webp') {
    throw new EcardException('photo-unsupported-type', `${type.toUpperCase()} images are not accepted. ${ACCEPTED}.`);
  }

  let metadata: Metadata;
  try {
    // Header only (nothing is decoded); the pixel limit is checked below so the refusal can say the size.
    metadata = await sharp(content, { ...SHARP_OPTIONS, limitInputPixels: false }).metadata();
  } catch {
    throw unreadable();
  }
  const { width, height } = metadata;
  if (!width || !height) throw unreadable();
  if (width * height > PHOTO_MAX_PIXELS) {
    throw new EcardException(
      'photo-too-many-pixels',
      `The photo is ${width}×${height} pixels; at most 40 megapixels are accepted. Resize it (e.g. to 3000×4000) and upload it again.`,
      { width, height, maxPixels: PHOTO_MAX_PIXELS },
    );
  }
  // Orientations 5–8 turn the picture by 90°: what the person sees is height × width.
  const turned = (metadata.orientation ?? 1) >= 5;
  const uprightWidth = turned ? height : width;
  const uprightHeight = turned ? width : height;
  if (uprightWidth < PHOTO_MIN_WIDTH || uprightHeight < PHOTO_MIN_HEIGHT) {
    throw new EcardException(
      'photo-too-small',
      `The photo is ${uprightWidth}×${uprightHeight} pixels; it must be at least ${PHOTO_MIN_WIDTH}×${PHOTO_MIN_HEIGHT} (width × height). Upload a larger photo.`,
      { width: uprightWidth, height: uprightHeight },
    );
  }

  try {
    // Decode once; rotate by EXIF, flatten any transparency onto white, then two resized JPEGs. Without
    // withMetadata()/keepExif() sharp writes no metadata at all and converts to sRGB.
    const upright = sharp(content, SHARP_OPTIONS).rotate().flatten({ background: '#ffffff' });
    const [card, thumb] = await Promise.all([
      upright
        .clone()
        .resize({ ...CARD_SIZE, fit: 'cover', position: sharp.strategy.attention })
        .jpeg({ quality: 85, mozjpeg: true })
        .toBuffer(),
      upright
        .clone()
        .resize({ ...THUMB_SIZE, fit: 'cover', position: sharp.strategy.attention })
        .jpeg({ quality: 70, mozjpeg: true })
        .toBuffer(),
    ]);
    return {
      card,
      thumb,
      sha256: createHash('sha256').update(card).digest(),
      sourceFormat: type,
      sourceWidth: uprightWidth,
      sourceHeight: uprightHeight,
    };
  } catch {
    throw unreadable();
  }
}

function unreadable(): EcardException {
  return new EcardException(
    'photo-unreadable',
    `The photo could not be read (the file may be damaged or cut short). ${ACCEPTED} saved again from your phone or computer.`,
  );
}
