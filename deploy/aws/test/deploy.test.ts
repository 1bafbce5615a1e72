import { execFile } from 'node:child_process'
import { promises as fs } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

// SCALE-8 / PROD-2: the worker image exists in ECR before CloudFormation points the service at
// it. deploy.sh is driven with fake cdk, aws and docker CLIs that record every call in order.
const run = promisify(execFile)
const awsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const repoRoot = path.resolve(awsDir, '../..')
const deploySh = path.join(awsDir, 'deploy.sh')
const repositoryUri = '123456789012.dkr.ecr.us-east-1.amazonaws.com/rugbycodex-transcoder'

async function fakes(options: { tagExists?: boolean; pushFails?: boolean } = {}) {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rc-aws-deploy-'))
  const log = path.join(dir, 'calls')
  const tool = async (name: string, body: string) =>
    fs.writeFile(
      path.join(dir, name),
      `#!/usr/bin/env bash\nprintf '%s\\n' "${name} $*" >>${JSON.stringify(log)}\n${body}\n`,
      { mode: 0o755 },
    )
  await tool('cdk', 'exit 0')
  await tool(
    'aws',
    `case "$*" in
  *describe-repositories*) echo ${repositoryUri} ;;
  *describe-images*) exit ${options.tagExists ? 0 : 1} ;;
  *get-login-password*) echo ecr-password ;;
esac`,
  )
  await tool(
    'docker',
    `case "$1" in
  login) [ "$(cat)" = ecr-password ] || exit 1 ;;
  push) exit ${options.pushFails ? 1 : 0} ;;
esac`,
  )
  return {
    env: {
      PATH: process.env.PATH,
      HOME: dir,
      CDK_CLI: path.join(dir, 'cdk'),
      AWS_CLI: path.join(dir, 'aws'),
      DOCKER_CLI: path.join(dir, 'docker'),
    },
    calls: async () => (await fs.readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean),
  }
}

const deploy = (args: string[], env: Record<string, string | undefined>) =>
  run(deploySh, args, { env }).then(
    (r) => ({ code: 0, stderr: r.stderr }),
    (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
  )

describe('deploy/aws/deploy.sh', () => {
  it('deploys the repository, pushes the image, then deploys the workers with that tag', async () => {
    const f = await fakes()
    const result = await deploy(['abc123', '-c', 'alertEmail=ops@rugbycodex.com'], f.env)
    expect(result.code, result.stderr).toBe(0)
    const calls = await f.calls()
    // `aws ecr get-login-password | docker login` run side by side: their order is the kernel's.
    const login = calls.splice(3, 2).sort()
    expect(login).toEqual([
      'aws ecr get-login-password',
      `docker login --username AWS --password-stdin ${repositoryUri.split('/')[0]}`,
    ])
    expect(calls).toEqual([
      'cdk deploy RugbyCodexImages --require-approval never',
      expect.stringMatching(
        /^aws ecr describe-repositories --repository-names rugbycodex-transcoder/,
      ),
      expect.stringMatching(
        /^aws ecr describe-images --repository-name rugbycodex-transcoder --image-ids imageTag=abc123/,
      ),
      `docker build -f transcoder/Dockerfile -t ${repositoryUri}:abc123 ${repoRoot}`,
      `docker push ${repositoryUri}:abc123`,
      'cdk deploy RugbyCodexWorkers --require-approval never -c imageTag=abc123 -c alertEmail=ops@rugbycodex.com',
    ])
  })

  it('does not rebuild a tag that is already in ECR (tags are immutable), and still deploys', async () => {
    const f = await fakes({ tagExists: true })
    expect((await deploy(['abc123'], f.env)).code).toBe(0)
    const calls = await f.calls()
    expect(calls.some((c) => c.startsWith('docker'))).toBe(false)
    expect(calls.at(-1)).toBe(
      'cdk deploy RugbyCodexWorkers --require-approval never -c imageTag=abc123',
    )
  })

  it('never deploys the workers when the push failed', async () => {
    const f = await fakes({ pushFails: true })
    expect((await deploy(['abc123'], f.env)).code).not.toBe(0)
    expect((await f.calls()).some((c) => c.startsWith('cdk deploy RugbyCodexWorkers'))).toBe(false)
  })

  it('needs an image tag', async () => {
    const f = await fakes()
    const result = await deploy([], f.env)
    expect(result.code).toBe(2)
    expect(await f.calls()).toEqual([])
  })

  it('is what the CI workflow runs: no cdk deploy of the workers ahead of the push', async () => {
    const workflow = await fs.readFile(path.join(repoRoot, 'deploy/github/deploy.yml'), 'utf8')
    const awsJob = workflow.slice(workflow.indexOf('\n  aws:'), workflow.indexOf('\n  frontend:'))
    expect(awsJob).toContain('deploy/aws/deploy.sh ${{ github.sha }}')
    expect(awsJob).not.toMatch(/cdk deploy/)
    expect(awsJob).not.toMatch(/docker push/)
  })
})
