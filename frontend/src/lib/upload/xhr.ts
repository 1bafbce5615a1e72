/** An upload part request that did not succeed; `status` 0 means the network failed. */
export class PartError extends Error {
  constructor(readonly status: number) {
    super(status === 0 ? 'network error' : `storage answered ${status}`)
    this.name = 'PartError'
  }
}

export class AbortedError extends Error {
  constructor() {
    super('aborted')
    this.name = 'AbortedError'
  }
}

/**
 * PUT one part straight to its presigned storage URL. XHR instead of fetch because only XHR reports
 * upload progress. Resolves with the ETag when storage exposes it (CORS), else null.
 */
export function putPart(
  url: string,
  body: Blob,
  onProgress: (loadedBytes: number) => void,
  signal: AbortSignal,
): Promise<string | null> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new AbortedError())
    const xhr = new XMLHttpRequest()
    const onAbort = () => xhr.abort()
    signal.addEventListener('abort', onAbort, { once: true })
    const done = () => signal.removeEventListener('abort', onAbort)
    xhr.open('PUT', url)
    xhr.upload.onprogress = (e) => onProgress(e.loaded)
    xhr.onload = () => {
      done()
      if (xhr.status >= 200 && xhr.status < 300) resolve(xhr.getResponseHeader('ETag'))
      else reject(new PartError(xhr.status))
    }
    xhr.onerror = () => {
      done()
      reject(new PartError(0))
    }
    xhr.onabort = () => {
      done()
      reject(new AbortedError())
    }
    xhr.send(body)
  })
}
