import { BROWSER_BACKENDS, type BrowserBackendChoice } from '@fcn/backends/browser';

/** The backend asked for by `?backend=` in the page URL; 'auto' when absent. Unknown names are errors. */
export function backendFromQuery(search: string): BrowserBackendChoice {
  const asked = new URLSearchParams(search).get('backend');
  if (asked === null || asked === '') return 'auto';
  if ((BROWSER_BACKENDS as readonly string[]).includes(asked)) return asked as BrowserBackendChoice;
  throw new Error(`unknown backend '${asked}' in the URL; use one of ${BROWSER_BACKENDS.join(', ')}`);
}
