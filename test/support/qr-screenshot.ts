import { createPublicKey, verify } from 'node:crypto';
import { decodeBase45, KeySet, QR_PREFIX, verifyPass, type VerifiedPass } from '@campuspass/pass-token';
import { createNodeVerifier } from '@campuspass/pass-token/node';
import jsQRModule from 'jsqr';
import type { Locator, Page } from 'playwright-core';
import sharp from 'sharp';

// jsqr is CommonJS with `export default` types: under nodenext the default import is typed as the module object,
// while at run time it is the function (which also carries itself as .default). Take whichever is callable.
const jsQR = ((jsQRModule as unknown as { default?: unknown }).default ?? jsQRModule) as typeof jsQRModule.default;

/** A QR code read from pixels: its text and where it was found (to tell a test what the camera would see). */
export interface ScreenshotQr {
  readonly text: string;
  readonly width: number;
  readonly height: number;
}

/**
 * Reads the QR code in a PNG screenshot the way a camera would: PNG → raw RGBA (sharp) → jsQR. A white
 * margin is added first (the page may crop the quiet zone). Throws, naming the size, when there is no code.
 */
export async function decodeQrPng(png: Buffer): Promise<ScreenshotQr> {
  const { data, info } = await sharp(png)
    .extend({ top: 16, bottom: 16, left: 16, right: 16, background: '#ffffff' })
    .flatten({ background: '#ffffff' })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 4) throw new Error(`decodeQrPng: expected RGBA pixels, got ${info.channels} channels`);
  const code = jsQR(new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength), info.width, info.height, {
    inversionAttempts: 'attemptBoth',
  });
  if (!code) throw new Error(`decodeQrPng: no QR code found in the ${info.width}×${info.height} screenshot`);
  return { text: code.data, width: info.width, height: info.height };
}

/** Resolves once an <img> element has loaded (at once for any other element). */
const IMAGE_LOADED = `(element) =>
  element.tagName === 'IMG' && !(element.complete && element.naturalWidth > 0)
    ? new Promise((resolve, reject) => {
        element.addEventListener('load', resolve, { once: true });
        element.addEventListener('error', () => reject(new Error('the QR image did not load')), { once: true });
      })
    : undefined`;

/**
 * Screenshots a page or one element (e.g. the QR <img>) once it is visible and its image has loaded, and
 * decodes the QR code in it.
 */
export async function decodeQrFromScreenshot(target: Page | Locator): Promise<ScreenshotQr> {
  if ('waitFor' in target) {
    await target.waitFor({ state: 'visible' });
    await target.evaluate(IMAGE_LOADED);
  } else {
    // data: images too load asynchronously: a page taken before they finished shows no code.
    await target.waitForFunction('Array.from(document.images).every((image) => image.complete)');
  }
  // A page is taken whole (fullPage), so the code is found wherever the layout put it.
  return decodeQrPng(await ('waitFor' in target ? target.screenshot({ type: 'png' }) : target.screenshot({ type: 'png', fullPage: true })));
}

/** A public key as the portal publishes it: 32 raw Ed25519 bytes and its campus-day window. */
export interface PublicPassKey {
  readonly publicKey: Uint8Array;
  readonly notBeforeDay?: number;
  readonly notAfterDay?: number;
}

// SPKI header of an Ed25519 public key (OID 1.3.101.112), followed by the 32 raw bytes.
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/**
 * Checks QR text two independent ways against the published keys: libs/pass-token's decode + verify, and the
 * signature alone with plain node:crypto. Returns the verified pass; throws (PassTokenError) when it does not verify.
 */
export function verifyPublished(qrText: string, keys: readonly PublicPassKey[]): VerifiedPass {
  const verified = verifyPass(qrText, new KeySet(keys), createNodeVerifier());
  const bytes = Buffer.from(decodeBase45(qrText.slice(QR_PREFIX.length)));
  const message = bytes.subarray(0, bytes.length - 64);
  const signature = bytes.subarray(bytes.length - 64);
  const plain = keys.some((key) =>
    verify(
      null,
      message,
      createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, key.publicKey]), format: 'der', type: 'spki' }),
      signature,
    ),
  );
  if (!plain) throw new Error('verifyPublished: no published key verifies the signature with node:crypto');
  return verified;
}
