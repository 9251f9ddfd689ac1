/**
 * Background blur, as Meet, Zoom and Teams offer it: the person stays sharp, the room behind
 * them is blurred before the picture leaves the browser. A person segmentation model
 * (@twilio/video-processors, TensorFlow Lite in WebAssembly, in a worker of its own) finds the
 * person in each camera frame; frames go through it by insertable streams, which keep running
 * while the tab is hidden (a `<canvas>` drawn on animation frames would freeze the picture
 * the others see). This module, the library and its files (about 0.8 MB compressed) are
 * fetched only once a person turns blur on.
 */
import { GaussianBlurBackgroundProcessor } from '@twilio/video-processors';
import { blurredFrom, canBlurBackground, insertable } from './blurred-cameras.ts';

/** Where the build serves the model, its runtime and its worker (vite.config.ts). */
const assetsPath = '/blur/';

/** The model, loaded once for the page; a failed load is tried again next time. */
let loading: Promise<GaussianBlurBackgroundProcessor> | undefined;
function blurModel(): Promise<GaussianBlurBackgroundProcessor> {
  loading ??= (async () => {
    const model = new GaussianBlurBackgroundProcessor({ assetsPath });
    await model.loadModel();
    return model;
  })();
  loading.catch(() => (loading = undefined));
  return loading;
}

/**
 * A track that sends `camera`'s picture with the background blurred. It owns `camera`:
 * stopping it stops the camera, switching it off or on switches the camera (its light goes
 * off), and the camera ending (unplugged) ends it. Rejects where blur cannot run.
 */
export async function blurredTrack(camera: MediaStreamTrack): Promise<MediaStreamTrack> {
  if (!canBlurBackground) throw new Error('This browser cannot blur the background');
  const model = await blurModel();
  const frames = new insertable.MediaStreamTrackProcessor!({ track: camera }).readable;
  const blurred = new insertable.MediaStreamTrackGenerator!({ kind: 'video' });
  const canvas = document.createElement('canvas');
  const stopped = new AbortController();
  // The first picture out of a new pipeline, or at a new size, came out black here: it is not
  // sent, or the others would see a black flash as blur starts.
  let warm = false;
  const blur = new TransformStream<VideoFrame, VideoFrame>({
    async transform(frame, output) {
      try {
        if (canvas.width !== frame.displayWidth || canvas.height !== frame.displayHeight) {
          [canvas.width, canvas.height] = [frame.displayWidth, frame.displayHeight];
          warm = false;
        }
        await model.processFrame(frame, canvas);
        if (warm) output.enqueue(new VideoFrame(canvas, { timestamp: frame.timestamp }));
        warm = true;
      } finally {
        frame.close();
      }
    },
  });
  void frames.pipeThrough(blur, { signal: stopped.signal }).pipeTo(blurred.writable).catch(() => {});
  blurredFrom(blurred, camera);
  ownCamera(blurred, camera, () => stopped.abort());
  return blurred;
}

/** Makes `blurred` stop, switch and end together with `camera`, the track it is made from. */
function ownCamera(blurred: MediaStreamTrack, camera: MediaStreamTrack, stopBlurring: () => void): void {
  const stop = blurred.stop.bind(blurred);
  const end = () => {
    stopBlurring();
    stop();
  };
  blurred.stop = () => {
    end();
    camera.stop();
  };
  // The call switches the camera off and on through the track it sends.
  const enabled = Object.getOwnPropertyDescriptor(MediaStreamTrack.prototype, 'enabled')!;
  Object.defineProperty(blurred, 'enabled', {
    get: () => enabled.get!.call(blurred),
    set: (on: boolean) => {
      enabled.set!.call(blurred, on);
      camera.enabled = on;
    },
  });
  // A stopped track fires no `ended` of its own: the call hears it from here.
  camera.addEventListener('ended', () => {
    end();
    blurred.dispatchEvent(new Event('ended'));
  });
}
