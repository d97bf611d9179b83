/**
 * Where PASCAL VOC2012 comes from: the train/val archive, described and never fetched (fetching is
 * `@fcn/hub`'s). `readVocSplit` reads the folder it unpacks to.
 */

/**
 * A file that can be downloaded and checked. `@fcn/hub` declares the same shape; `data` and `models`
 * each declare it too, so neither depends on the other nor on the hub.
 */
export interface DownloadableFile {
  /** The short name commands take (`fcn download voc2012`). */
  readonly name: string;
  /** The file's name, in every URL and in the cache. */
  readonly fileName: string;
  /** Where it can be fetched, tried in order. */
  readonly urls: readonly string[];
  readonly checksum: { readonly algorithm: 'sha256-prefix' | 'sha1' | 'sha256'; readonly hex: string };
  /** The exact size, when known (checked against the server's). */
  readonly sizeBytes?: number;
}

/** A downloadable tar archive of a VOC-layout data set. */
export interface VocSource extends DownloadableFile {
  readonly sizeBytes: number;
  /** The VOC2012-layout folder inside the archive (`ImageSets`, `JPEGImages`, `SegmentationClass`). */
  readonly unpacksTo: string;
  /** Segmentation images in each split. */
  readonly splits: { readonly train: number; readonly val: number };
  readonly licence: string;
  readonly description: string;
}

/** PASCAL VOC2012's train/val archive (2 GB), as the d2l chapter downloads it. */
export const VOC2012: VocSource = {
  name: 'voc2012',
  fileName: 'VOCtrainval_11-May-2012.tar',
  urls: [
    'http://host.robots.ox.ac.uk/pascal/VOC/voc2012/VOCtrainval_11-May-2012.tar',
    'http://d2l-data.s3-accelerate.amazonaws.com/VOCtrainval_11-May-2012.tar',
    'https://pjreddie.com/media/files/VOCtrainval_11-May-2012.tar',
  ],
  checksum: { algorithm: 'sha1', hex: '4e443f8a2eca6b1dac8a6c57641b67dd40621a49' },
  sizeBytes: 1_999_639_040,
  unpacksTo: 'VOCdevkit/VOC2012',
  splits: { train: 1464, val: 1449 },
  licence:
    "images from Flickr under their owners' terms of use, annotations by the PASCAL VOC project (see the VOC2012 development kit)",
  description: 'PASCAL VOC2012 train/val: the 21-class segmentation data set of the d2l FCN chapter',
};
