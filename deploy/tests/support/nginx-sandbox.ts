import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { promises as fs } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { freePort, waitForPort } from './ports'

const run = promisify(execFile)
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))
export const NGINX_BIN = process.env.NGINX_BIN ?? '/usr/sbin/nginx'

export interface SiteOrigins {
  supabaseUrl: string
  storageOrigins: string
  sentryOrigin: string
}

export interface NginxSandbox {
  httpsPort: number
  httpPort: number
  serverName: string
  dir: string
  stop(): Promise<void>
}

/** Replaces `from` once in `text`; throws if it is absent, so a reshaped config fails the test. */
function replaceOnce(text: string, from: string | RegExp, to: string): string {
  const matched = typeof from === 'string' ? text.includes(from) : from.test(text)
  if (!matched) throw new Error(`config no longer contains ${String(from)}`)
  return text.replace(from, to)
}

/**
 * Runs Debian's nginx as a foreground process on loopback ports with the production config:
 * nginx/render.sh renders it exactly as on a server, then only machine-specific paths change
 * (ports, pid/log/temp paths, the certbot certificate swapped for a throwaway self-signed one).
 */
export async function startNginx(webRoot: string, origins: SiteOrigins): Promise<NginxSandbox> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rc-nginx-'))
  const conf = path.join(dir, 'conf')
  const serverName = 'rugbycodex.test'
  const [httpsPort, httpPort] = [await freePort(), await freePort()]
  let child: ChildProcess | undefined
  try {
    await run(path.join(repoRoot, 'nginx/render.sh'), [conf], {
      env: {
        ...process.env,
        RC_SERVER_NAME: serverName,
        RC_WEB_ROOT: webRoot,
        RC_SUPABASE_URL: origins.supabaseUrl,
        RC_STORAGE_ORIGINS: origins.storageOrigins,
        RC_SENTRY_ORIGIN: origins.sentryOrigin,
      },
    })
    await fs.copyFile('/etc/nginx/mime.types', path.join(conf, 'mime.types'))
    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${serverName}`,
      '-addext',
      `subjectAltName=DNS:${serverName},IP:127.0.0.1`,
      '-keyout',
      path.join(dir, 'privkey.pem'),
      '-out',
      path.join(dir, 'fullchain.pem'),
    ])

    const mainPath = path.join(conf, 'nginx.conf')
    let main = await fs.readFile(mainPath, 'utf8')
    main = replaceOnce(main, /^user .*;$/m, `user ${os.userInfo().username};`)
    main = replaceOnce(main, 'pid /run/nginx.pid;', `pid ${dir}/nginx.pid;`)
    main = replaceOnce(
      main,
      'error_log /var/log/nginx/error.log warn;',
      `error_log ${dir}/error.log warn;`,
    )
    main = replaceOnce(main, 'access_log /var/log/nginx/access.log', `access_log ${dir}/access.log`)
    const temps = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
      .map((t) => `    ${t}_temp_path ${dir}/${t}_temp;`)
      .join('\n')
    main = replaceOnce(main, /^http \{$/m, `http {\n${temps}`)
    await fs.writeFile(mainPath, main)

    const sitePath = path.join(conf, 'sites-available/rugbycodex.conf')
    let site = await fs.readFile(sitePath, 'utf8')
    site = replaceOnce(site, /^\s*listen 80;$/m, `    listen 127.0.0.1:${httpPort};`)
    site = replaceOnce(
      site,
      /^\s*listen 443 ssl http2;$/m,
      `    listen 127.0.0.1:${httpsPort} ssl http2;`,
    )
    site = site.replace(/^\s*listen \[::\]:.*$/gm, '')
    site = replaceOnce(
      site,
      `/etc/letsencrypt/live/${serverName}/fullchain.pem`,
      `${dir}/fullchain.pem`,
    )
    site = replaceOnce(
      site,
      `/etc/letsencrypt/live/${serverName}/privkey.pem`,
      `${dir}/privkey.pem`,
    )
    await fs.writeFile(sitePath, site)

    const args = ['-p', dir, '-c', mainPath, '-e', `${dir}/error.log`]
    await run(NGINX_BIN, [...args, '-t', '-q'])
    child = spawn(NGINX_BIN, [...args, '-g', 'daemon off;'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const exited = new Promise<number | null>((resolve) =>
      child?.once('exit', (code) => resolve(code)),
    )
    await Promise.race([
      Promise.all([waitForPort(httpsPort), waitForPort(httpPort)]),
      exited.then((code) => {
        throw new Error(`nginx exited with ${code}: ${stderr}`)
      }),
    ])
    const proc = child
    return {
      httpsPort,
      httpPort,
      serverName,
      dir,
      async stop() {
        if (proc.exitCode === null) {
          proc.kill('SIGTERM')
          await exited
        }
        await fs.rm(dir, { recursive: true, force: true })
      },
    }
  } catch (error) {
    child?.kill('SIGKILL')
    await fs.rm(dir, { recursive: true, force: true })
    throw error
  }
}
