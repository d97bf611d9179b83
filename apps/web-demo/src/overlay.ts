import { labelsToImageData } from '@fcn/data/browser';

/**
 * The mask for the overlay: VOC colours with background (class 0) transparent, so the photo shows
 * through around the objects; the page sets the layer's opacity from the slider.
 */
export function overlayImageData(labels: ArrayLike<number>, width: number, height: number): ImageData {
  const image = labelsToImageData(labels, width, height);
  for (let i = 0; i < labels.length; i++) if (labels[i] === 0) image.data[i * 4 + 3] = 0;
  return image;
}
