import { execFile } from 'node:child_process'
import { promises as fs } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import type { Resources } from './templates'

// SCALE-7: the real CDK CLI synthesizes both stacks of bin/app.ts offline.
const run = promisify(execFile)
const awsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

describe('cdk synth', () => {
  it('synthesizes with the CDK CLI and no network or credentials', async () => {
    const out = await fs.mkdtemp(path.join(os.tmpdir(), 'rc-cdk-'))
    try {
      await run(
        path.join(awsDir, 'node_modules/.bin/cdk'),
        ['synth', '--no-notices', '--quiet', '--no-version-reporting', '-o', out],
        {
          cwd: awsDir,
          timeout: 110_000,
          env: {
            PATH: process.env.PATH,
            HOME: out,
            CDK_DISABLE_VERSION_CHECK: '1',
            CDK_DISABLE_CLI_TELEMETRY: 'true',
            // Unroutable: any attempt to reach AWS or the internet fails instead of passing silently.
            HTTPS_PROXY: 'http://127.0.0.1:9',
            HTTP_PROXY: 'http://127.0.0.1:9',
            AWS_EC2_METADATA_DISABLED: 'true',
          },
        },
      )
      const template = JSON.parse(
        await fs.readFile(path.join(out, 'RugbyCodexWorkers.template.json'), 'utf8'),
      ) as {
        Resources: Resources
      }
      const types = new Set(Object.values(template.Resources).map((r) => r.Type))
      const images = JSON.parse(
        await fs.readFile(path.join(out, 'RugbyCodexImages.template.json'), 'utf8'),
      ) as { Resources: Resources }
      expect(Object.values(images.Resources).map((r) => r.Type)).toContain('AWS::ECR::Repository')
      for (const t of [
        'AWS::ECS::Service',
        'AWS::SQS::Queue',
        'AWS::AutoScaling::AutoScalingGroup',
      ]) {
        expect(types.has(t), t).toBe(true)
      }
    } finally {
      await fs.rm(out, { recursive: true, force: true })
    }
  })
})
