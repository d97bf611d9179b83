import { formatBackendLine, initBrowserBackend } from '@fcn/backends/browser';
import { backendFromQuery } from './backend-query.js';

const backendLine = document.querySelector<HTMLParagraphElement>('#backend')!;

try {
  const result = await initBrowserBackend({
    backend: backendFromQuery(location.search),
    wasmPaths: `${import.meta.env.BASE_URL}tfjs-wasm/`,
  });
  backendLine.textContent = formatBackendLine(result);
} catch (error) {
  backendLine.textContent = `No backend could start: ${error instanceof Error ? error.message : String(error)}`;
  backendLine.classList.add('error');
}
