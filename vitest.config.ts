import { cloudflareTest } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'
import { TEST_ENV } from './test/support/gateway-config.ts'

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/workers/**', 'test/deno/**'],
          environment: 'node',
        },
      },
      {
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: { configPath: './wrangler.toml' },
            // CONFIG_KV_TEST: a namespace the KV configuration tests bind as CONFIG_KV (bound for every test, it would be refused beside GATEWAY_CONFIG).
            miniflare: { bindings: { GATEWAY_CONFIG: inject('gatewayConfig'), LOG_LEVEL: 'debug', ...TEST_ENV }, kvNamespaces: ['CONFIG_KV_TEST'] },
          })),
        ],
        test: {
          name: 'workers',
          include: ['test/workers/**/*.test.ts'],
          globalSetup: ['test/workers/global-setup.ts'],
        },
      },
    ],
  },
})
