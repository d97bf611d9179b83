import { VOC_CLASSES } from '@fcn/data';
import { ZOO_VOC_CLASSES } from '@fcn/models';
import { describe, expect, it } from 'vitest';
import { CATALOGUE, catalogueNames, findInCatalogue } from './catalogue.js';

describe('the catalogue', () => {
  it('holds the model zoo and VOC2012, found by name', () => {
    expect(catalogueNames(CATALOGUE)).toEqual([
      'resnet18',
      'resnet34',
      'resnet50',
      'resnet101',
      'fcn_resnet50',
      'fcn_resnet101',
      'voc2012',
    ]);
    expect(findInCatalogue(CATALOGUE, 'fcn_resnet101')).toMatchObject({
      kind: 'model',
      entry: { arch: 'resnet101' },
    });
    expect(findInCatalogue(CATALOGUE, 'voc2012')).toMatchObject({
      kind: 'data',
      entry: { unpacksTo: 'VOCdevkit/VOC2012' },
    });
    expect(() => findInCatalogue(CATALOGUE, 'vgg16')).toThrow(
      "unknown name 'vgg16': choose one of resnet18, resnet34, resnet50, resnet101, fcn_resnet50, fcn_resnet101, voc2012 (fcn models lists them)",
    );
  });

  it("names the FCN weights' classes as @fcn/data does (models may not import data, so both list them)", () => {
    expect([...ZOO_VOC_CLASSES]).toEqual([...VOC_CLASSES]);
  });
});
