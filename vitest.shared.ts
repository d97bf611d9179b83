import { defaultClientConditions, defaultServerConditions } from 'vite';
import type { ViteUserConfig } from 'vitest/config';

/**
 * Workspace packages export their TypeScript sources under the `@fcn/source`
 * condition, so tests and typechecks run against `src/` without a build.
 */
export const sourceConditions: ViteUserConfig = {
  resolve: { conditions: ['@fcn/source', ...defaultClientConditions] },
  ssr: { resolve: { conditions: ['@fcn/source', ...defaultServerConditions] } },
  // Generous: turbo runs every package's tests at once on CI's 2 cores, which slows each several times.
  test: { testTimeout: 180_000, hookTimeout: 180_000 },
};
