/** The bundled sample: a scene from the synthetic VOC that `pnpm train` learns, drawn in the page. */
import { renderScene, SYNTHETIC_DEFAULT_CLASSES } from '@fcn/data/browser';

/** A 250x188 scene (the default job's image size), RGBA for a canvas. */
export function sampleImage(seed = 20261128): ImageData {
  const width = 250;
  const height = 188;
  const scene = renderScene({ width, height, seed, classes: SYNTHETIC_DEFAULT_CLASSES });
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    rgba[i * 4] = scene.image.data[i * 3]!;
    rgba[i * 4 + 1] = scene.image.data[i * 3 + 1]!;
    rgba[i * 4 + 2] = scene.image.data[i * 3 + 2]!;
    rgba[i * 4 + 3] = 255;
  }
  return new ImageData(rgba, width, height);
}
