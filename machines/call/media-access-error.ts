/**
 * The one error the `acquireMedia` actor rejects with, carrying a stable client error code
 * (protocol/error-codes.ts) and the browser's original error as `cause`, so the call machine
 * decides on the code and the page can still log the details.
 */
export class MediaAccessError extends Error {
  override readonly name = 'MediaAccessError';

  constructor(
    /** `media-denied`: the person or the browser refused; `media-unavailable`: no such device. */
    readonly code: 'media-denied' | 'media-unavailable',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** Reads any rejection of `acquireMedia`; an unexpected error counts as no usable device. */
  static from(error: unknown): MediaAccessError {
    if (error instanceof MediaAccessError) return error;
    return new MediaAccessError('media-unavailable', error instanceof Error ? error.message : String(error), { cause: error });
  }
}
