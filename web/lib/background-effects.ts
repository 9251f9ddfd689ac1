/**
 * Background effects, as Meet, Zoom and Teams offer them: the person stays sharp, and the room
 * behind them is blurred or replaced by a picture before the picture leaves the browser. A
 * person segmentation model (@twilio/video-processors, TensorFlow Lite in WebAssembly, in a
 * worker of its own) finds the person in each camera frame; frames go through it by insertable
 * streams, which keep running while the tab is hidden (a `<canvas>` drawn on animation frames
 * would freeze the picture the others see). This module, the library and its files (about
 * 0.8 MB compressed) are fetched only once a person picks an effect.
 */
import { GaussianBlurBackgroundProcessor, ImageFit, VirtualBackgroundProcessor } from '@twilio/video-processors';
import { backgroundImages, type BackgroundImage } from './backgrounds.ts';
import { canChangeBackground, insertable, madeFrom, type BackgroundEffect } from './camera-backgrounds.ts';

/** Where the build serves the model, its runtime and its workers (vite.config.ts). */
const assetsPath = '/segmentation/';

type Processor = GaussianBlurBackgroundProcessor | VirtualBackgroundProcessor;

/** Loads once for the page, with the argument of the first call; a failed load is tried again next time. */
function once<A, T>(load: (first: A) => Promise<T>): (first: A) => Promise<T> {
  let loading: Promise<T> | undefined;
  return (first) => {
    loading ??= load(first);
    loading.catch(() => (loading = undefined));
    return loading;
  };
}

const blurModel = once(async () => {
  const model = new GaussianBlurBackgroundProcessor({ assetsPath });
  await model.loadModel();
  return model;
});

/** The model that replaces backgrounds, made with the first picture asked for. */
const replaceModel = once(async (first: HTMLImageElement) => {
  const model = new VirtualBackgroundProcessor({ assetsPath, backgroundImage: first, fitType: ImageFit.Cover });
  await model.loadModel();
  return model;
});

/** A picture, decoded. */
async function picture(name: BackgroundImage): Promise<HTMLImageElement> {
  const image = new Image();
  image.src = backgroundImages.find((known) => known.name === name)!.url;
  await image.decode();
  return image;
}

/**
 * The model for `background`. One replaces every picture: a track made for another picture
 * meanwhile shows the new one too, for the moment until the call stops it.
 */
async function modelFor(background: BackgroundEffect): Promise<Processor> {
  if (background === 'blur') return blurModel(undefined);
  const image = await picture(background);
  const model = await replaceModel(image);
  model.backgroundImage = image;
  return model;
}

/**
 * A track that sends `camera`'s picture with `background` behind the person. It owns `camera`:
 * stopping it stops the camera, switching it off or on switches the camera (its light goes
 * off), and the camera ending (unplugged) ends it. Rejects where the effect cannot run.
 */
export async function backgroundTrack(camera: MediaStreamTrack, background: BackgroundEffect): Promise<MediaStreamTrack> {
  if (!canChangeBackground) throw new Error('This browser cannot change the background');
  const model = await modelFor(background);
  const frames = new insertable.MediaStreamTrackProcessor!({ track: camera }).readable;
  const changed = new insertable.MediaStreamTrackGenerator!({ kind: 'video' });
  const canvas = document.createElement('canvas');
  const stopped = new AbortController();
  // The first picture out of a new pipeline, or at a new size, came out black here: it is not
  // sent, or the others would see a black flash as the effect starts.
  let warm = false;
  const effect = new TransformStream<VideoFrame, VideoFrame>({
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
  void frames.pipeThrough(effect, { signal: stopped.signal }).pipeTo(changed.writable).catch(() => {});
  madeFrom(changed, camera, background);
  ownCamera(changed, camera, () => stopped.abort());
  return changed;
}

/** Makes `changed` stop, switch and end together with `camera`, the track it is made from. */
function ownCamera(changed: MediaStreamTrack, camera: MediaStreamTrack, stopEffect: () => void): void {
  const stop = changed.stop.bind(changed);
  const end = () => {
    stopEffect();
    stop();
  };
  changed.stop = () => {
    end();
    camera.stop();
  };
  // The call switches the camera off and on through the track it sends.
  const enabled = Object.getOwnPropertyDescriptor(MediaStreamTrack.prototype, 'enabled')!;
  Object.defineProperty(changed, 'enabled', {
    get: () => enabled.get!.call(changed),
    set: (on: boolean) => {
      enabled.set!.call(changed, on);
      camera.enabled = on;
    },
  });
  // A stopped track fires no `ended` of its own: the call hears it from here.
  camera.addEventListener('ended', () => {
    end();
    changed.dispatchEvent(new Event('ended'));
  });
}
