/**
 * Everything `fcn download` can fetch and `fcn models` lists: the model zoo (`@fcn/models`) and the
 * data sets (`@fcn/data`), looked up by name. The commands take a catalogue so tests can hand them
 * files served on 127.0.0.1.
 */
import { VOC2012, type VocSource } from '@fcn/data';
import { MODEL_ZOO, ZOO_NAMES, type ZooEntry } from '@fcn/models';

/** A zoo entry, with any name (tests use their own). */
export type CatalogueModel = Omit<ZooEntry, 'name'> & { readonly name: string };

export interface Catalogue {
  readonly models: readonly CatalogueModel[];
  readonly data: readonly VocSource[];
}

export const CATALOGUE: Catalogue = { models: ZOO_NAMES.map((name) => MODEL_ZOO[name]), data: [VOC2012] };

export type CatalogueItem = { kind: 'model'; entry: CatalogueModel } | { kind: 'data'; entry: VocSource };

export function catalogueNames(catalogue: Catalogue): string[] {
  return [...catalogue.models, ...catalogue.data].map((entry) => entry.name);
}

/** The entry called `name`; an error naming every known one otherwise. */
export function findInCatalogue(catalogue: Catalogue, name: string): CatalogueItem {
  const model = catalogue.models.find((entry) => entry.name === name);
  if (model) return { kind: 'model', entry: model };
  const data = catalogue.data.find((entry) => entry.name === name);
  if (data) return { kind: 'data', entry: data };
  throw new Error(
    `unknown name '${name}': choose one of ${catalogueNames(catalogue).join(', ')} (fcn models lists them)`,
  );
}
