import { defaultClientConditions, defaultServerConditions } from 'vite';
import type { ViteUserConfig } from 'vitest/config';

/**
 * Workspace packages export their TypeScript sources under the `@fcn/source`
 * condition, so tests and typechecks run against `src/` without a build.
 */
export const sourceConditions: ViteUserConfig = {
  resolve: { conditions: ['@fcn/source', ...defaultClientConditions] },
  ssr: { resolve: { conditions: ['@fcn/source', ...defaultServerConditions] } },
  test: { testTimeout: 60_000 },
};
