import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isZooName, MODEL_ZOO, ZOO_NAMES, ZOO_VOC_CLASSES, zooEntry } from './zoo.js';

interface TorchvisionMeta {
  url: string;
  num_params: number;
  metrics: Record<string, Record<string, number>>;
  categories: string[];
}

/** torchvision 0.14's own description of each zoo entry's weights (its `Weights` enum metadata). */
function torchvisionMeta(): Record<string, TorchvisionMeta> {
  const script = `
import json
from torchvision.models import ResNet18_Weights, ResNet34_Weights, ResNet50_Weights, ResNet101_Weights
from torchvision.models.segmentation import FCN_ResNet50_Weights, FCN_ResNet101_Weights
out = {}
for name, w in [('resnet18', ResNet18_Weights.IMAGENET1K_V1), ('resnet34', ResNet34_Weights.IMAGENET1K_V1),
                ('resnet50', ResNet50_Weights.IMAGENET1K_V1), ('resnet101', ResNet101_Weights.IMAGENET1K_V1),
                ('fcn_resnet50', FCN_ResNet50_Weights.COCO_WITH_VOC_LABELS_V1),
                ('fcn_resnet101', FCN_ResNet101_Weights.COCO_WITH_VOC_LABELS_V1)]:
    out[name] = dict(url=w.url, num_params=w.meta['num_params'], metrics=w.meta['_metrics'],
                     categories=w.meta['categories'], enum=str(w))
print(json.dumps(out))
`;
  try {
    return JSON.parse(execFileSync('/usr/bin/python3', ['-c', script], { encoding: 'utf8' }));
  } catch (error) {
    throw new Error(
      `the zoo is checked against torchvision's metadata, which needs /usr/bin/python3 with torchvision: ` +
        `apt-get install python3-torch python3-torchvision (${(error as Error).message.split('\n')[0]})`,
    );
  }
}

describe('MODEL_ZOO', () => {
  it('names every entry by its key, and takes each SHA-256 prefix from the file name (torchvision rule)', () => {
    expect(ZOO_NAMES).toEqual([
      'resnet18',
      'resnet34',
      'resnet50',
      'resnet101',
      'fcn_resnet50',
      'fcn_resnet101',
    ]);
    for (const name of ZOO_NAMES) {
      const entry = MODEL_ZOO[name];
      expect(entry.name).toBe(name);
      expect(entry.sha256Prefix).toMatch(/^[0-9a-f]{8}$/);
      expect(entry.fileName).toBe(`${entry.fileName.split('-')[0]}-${entry.sha256Prefix}.pth`);
      expect(entry.checksum).toEqual({ algorithm: 'sha256-prefix', hex: entry.sha256Prefix });
      expect(entry.urls).toEqual([`https://download.pytorch.org/models/${entry.fileName}`]);
      expect(entry.licence).toMatch(/^BSD-3-Clause/);
      expect(entry.description.length).toBeGreaterThan(20);
      expect(entry.approxSizeBytes).toBe(entry.parameters * 4);
      expect(entry).not.toHaveProperty('sizeBytes');
    }
    expect(MODEL_ZOO.resnet18.sha256Prefix).toBe('f37072fd');
    expect(MODEL_ZOO.fcn_resnet101.sha256Prefix).toBe('7ecb50ca');
  });

  it("sorts entries into trunks (ImageNet's 1000 classes) and segmentation models (VOC's 21 names)", () => {
    expect(ZOO_NAMES.filter((n) => MODEL_ZOO[n].kind === 'trunk')).toEqual([
      'resnet18',
      'resnet34',
      'resnet50',
      'resnet101',
    ]);
    expect(MODEL_ZOO.resnet50.classes).toEqual({ dataset: 'ImageNet-1k', count: 1000 });
    expect(MODEL_ZOO.fcn_resnet50.kind).toBe('segmentation');
    expect(MODEL_ZOO.fcn_resnet50.arch).toBe('resnet50');
    expect(MODEL_ZOO.fcn_resnet101.classes.names).toEqual(ZOO_VOC_CLASSES);
    expect(ZOO_VOC_CLASSES).toHaveLength(21);
    expect(MODEL_ZOO.fcn_resnet50.metrics.values).toEqual([
      { name: 'mIoU', value: 60.5 },
      { name: 'pixel acc', value: 91.4 },
    ]);
  });

  it("agrees with torchvision's own metadata: URL, parameters, metrics, classes", () => {
    const meta = torchvisionMeta();
    const simplify = (name: string) => name.replace(/[^a-z]/g, '');
    for (const name of ZOO_NAMES) {
      const entry = MODEL_ZOO[name];
      const tv = meta[name]!;
      expect(entry.urls[0]).toBe(tv.url);
      expect(entry.parameters).toBe(tv.num_params);
      const published = Object.values(tv.metrics)[0]!;
      const ours = Object.fromEntries(entry.metrics.values.map((m) => [m.name, m.value]));
      if (entry.kind === 'trunk') {
        expect(ours).toEqual({ 'top-1': published['acc@1'] });
        expect(tv.categories).toHaveLength(entry.classes.count);
      } else {
        expect(ours).toEqual({ mIoU: published.miou, 'pixel acc': published.pixel_acc });
        // The same classes in the same order; torchvision spells them `__background__`, `pottedplant`.
        expect(tv.categories.map(simplify)).toEqual(
          entry.classes.names!.map((n) => simplify(n === 'background' ? '__background__' : n)),
        );
      }
    }
  });
});

describe('zooEntry', () => {
  it('finds an entry by name and refuses an unknown one, listing the known names', () => {
    expect(zooEntry('resnet34')).toBe(MODEL_ZOO.resnet34);
    expect(isZooName('fcn_resnet50')).toBe(true);
    expect(isZooName('toString')).toBe(false);
    expect(() => zooEntry('resnet152')).toThrow(
      "unknown model 'resnet152': the zoo has resnet18, resnet34, resnet50, resnet101, fcn_resnet50, fcn_resnet101 (fcn models lists them)",
    );
  });
});
