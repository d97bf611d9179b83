/** The model card as DOM: a title, then architecture, source, what it is for, metrics and classes. */
import type { ModelCard } from './model-card.js';

function row(list: HTMLDListElement, term: string, value: string | Node, testId: string): void {
  const dt = document.createElement('dt');
  dt.textContent = term;
  const dd = document.createElement('dd');
  dd.dataset.testid = testId;
  dd.append(value);
  list.append(dt, dd);
}

/** Fills `into` (an `<aside>`) with the card and shows it. */
export function renderCard(into: HTMLElement, card: ModelCard): void {
  const title = document.createElement('h2');
  title.textContent = card.title;
  title.dataset.testid = 'card-title';
  const list = document.createElement('dl');
  row(list, 'Architecture', card.architecture, 'card-architecture');
  row(list, 'Source', card.source, 'card-source');
  if (card.note) row(list, 'Knows', card.note, 'card-note');
  if (card.published) {
    const metrics = document.createElement('ul');
    for (const line of card.published.metrics) {
      const item = document.createElement('li');
      item.textContent = line;
      metrics.append(item);
    }
    const reference = card.published.reference ? ` (${card.published.reference})` : '';
    const block = document.createElement('div');
    block.append(`${card.published.name}${reference}:`, metrics);
    row(list, 'Published metrics', block, 'card-metrics');
  }
  row(list, `Classes (${card.classes.length})`, card.classes.join(', '), 'card-classes');
  into.replaceChildren(title, list);
  into.classList.toggle('warning', card.warning);
  into.hidden = false;
}
