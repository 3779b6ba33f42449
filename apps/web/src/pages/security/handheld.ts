import { LOCATION_MAX } from '../../api/security.js';

/** A code held in front of the camera is checked once: the same code is ignored until it has been out of sight this long. */
export const REPEAT_WINDOW_MS = 4000;

/** A phone decodes a few frames a second, not every frame: enough to feel instant, cheap on the battery. */
export const DECODE_INTERVAL_MS = 250;

/** Frames are scaled down to this width (or height) before decoding: a pass QR is large in the picture. */
export const DECODE_MAX_SIDE = 640;

/** What the longest pass QR text can be (the pass format stays under 170 characters; guests' too). */
export const CODE_MAX = 512;

/**
 * Decides which decoded codes to check: a new code at once, the same code again only after it has not been seen for
 * `windowMs` (every sighting extends the window, so a pass held still is checked once, and checked again when shown
 * anew).
 */
export class RepeatFilter {
  private lastCode: string | undefined;
  private lastSeen = Number.NEGATIVE_INFINITY;

  constructor(private readonly windowMs = REPEAT_WINDOW_MS) {}

  accept(code: string, now: number): boolean {
    const repeat = code === this.lastCode && now - this.lastSeen < this.windowMs;
    this.lastCode = code;
    this.lastSeen = now;
    return !repeat;
  }

  /** Forget the last code (e.g. the guard asked to check it again). */
  reset(): void {
    this.lastCode = undefined;
    this.lastSeen = Number.NEGATIVE_INFINITY;
  }
}

/** The size to draw a video frame at for decoding: its own size, scaled down so the longer side is at most `maxSide`. */
export function decodeSize(width: number, height: number, maxSide = DECODE_MAX_SIDE): { width: number; height: number } {
  if (width <= 0 || height <= 0) return { width: 0, height: 0 };
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return { width: Math.round(width * scale), height: Math.round(height * scale) };
}

/** Why the camera could not start, from getUserMedia's error (a DOMException's name) or its absence. */
export type CameraProblem = 'refused' | 'missing' | 'busy' | 'unsupported' | 'failed';

export function cameraProblem(error: unknown): CameraProblem {
  const name = typeof error === 'object' && error !== null && 'name' in error ? String((error as { name: unknown }).name) : '';
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
    case 'SecurityError':
      return 'refused';
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return 'missing';
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return 'busy';
    case 'TypeError':
      return 'unsupported';
    default:
      return 'failed';
  }
}

/** Where the device remembers the guard's location. */
export const LOCATION_STORAGE_KEY = 'campuspass.handheld.location';

/** The remembered location, or '' (none, unreadable storage, or something too long to be ours). */
export function readLocation(storage: Pick<Storage, 'getItem'> | undefined): string {
  try {
    const value = storage?.getItem(LOCATION_STORAGE_KEY) ?? '';
    return value.length <= LOCATION_MAX ? value : '';
  } catch {
    return '';
  }
}

/** Remembers the location on this device (an empty one is forgotten); storage failures (private mode) are ignored. */
export function writeLocation(storage: Pick<Storage, 'setItem' | 'removeItem'> | undefined, location: string): void {
  try {
    const value = location.trim().slice(0, LOCATION_MAX);
    if (value) storage?.setItem(LOCATION_STORAGE_KEY, value);
    else storage?.removeItem(LOCATION_STORAGE_KEY);
  } catch {
    // nothing to do: the field still holds it for this visit
  }
}

/** What is wrong with a typed code, or undefined when it can be checked. */
export function codeProblem(text: string): 'required' | 'too-long' | undefined {
  const value = text.trim();
  if (!value) return 'required';
  if (value.length > CODE_MAX) return 'too-long';
  return undefined;
}
