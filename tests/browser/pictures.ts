import type { Page } from 'playwright-core';

/**
 * Reading what a video shows, to tell a blurred or replaced background from the camera's own:
 * the background effects tests, and a camera turned on mid-call with blur chosen.
 */

/** What a picture shows, as `measurePictures` reads it. */
export interface Picture {
  /** The mean squared difference between neighbouring pixels' green (the fake camera draws in green). */
  sharpness: number;
  /** The mean green: a black frame has none. */
  green: number;
  /** The mean red: the fake camera draws none, a picture behind the person brings some. */
  red: number;
}

/** Sharp pictures of the fake camera read 60 or more, blurred ones under 10. */
export const blurred = 15;

/**
 * Puts into the page `window.pictureOf(video)`, which reads the frame `video` shows at its own
 * size (blurring spreads each edge over many pixels, which lowers the squares' sum a lot), and
 * `window.sharpnessSeen`, the sharpness of every frame the first remote video shows from now on.
 */
export function measurePictures(): void {
  const canvas = document.createElement('canvas');
  const pictureOf = (video: HTMLVideoElement) => {
    [canvas.width, canvas.height] = [video.videoWidth, video.videoHeight];
    const context = canvas.getContext('2d', { willReadFrequently: true })!;
    context.drawImage(video, 0, 0);
    const { data, width, height } = context.getImageData(0, 0, canvas.width, canvas.height);
    let squares = 0;
    let green = 0;
    let red = 0;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const here = data[(y * width + x) * 4 + 1]!;
        green += here;
        red += data[(y * width + x) * 4]!;
        if (x > 0) squares += (here - data[(y * width + x - 1) * 4 + 1]!) ** 2;
      }
    }
    return { sharpness: squares / (height * (width - 1)), green: green / (height * width), red: red / (height * width) };
  };
  const seen: number[] = [];
  const look = (): void => {
    const video = document.querySelector<HTMLVideoElement>('[data-testid="remote-video"]');
    if (video === null || video.videoWidth === 0) return void setTimeout(look, 20);
    seen.push(pictureOf(video).sharpness);
    video.requestVideoFrameCallback(look);
  };
  look();
  Object.assign(window, { pictureOf, sharpnessSeen: seen });
}

/** What the first `selector` video on `page` shows now. */
export async function picture(page: Page, selector: string): Promise<Picture> {
  if (!(await page.evaluate(() => 'pictureOf' in window))) await page.evaluate(measurePictures);
  return page.evaluate((selector) => (window as unknown as { pictureOf: (video: HTMLVideoElement) => Picture }).pictureOf(document.querySelector<HTMLVideoElement>(selector)!), selector);
}

/** The sharpness of every frame `page` showed of the first remote video since `measurePictures`. */
export function sharpnessSeen(page: Page): Promise<number[]> {
  return page.evaluate(() => (window as unknown as { sharpnessSeen: number[] }).sharpnessSeen);
}
