import { describe, expect, it } from 'vitest'
import { runProcess } from './process'

describe('runProcess', () => {
  it('kills a process that outlives its wall-clock limit', async () => {
    const result = await runProcess('sleep', ['30'], { timeoutMs: 200, memoryBytes: 0 })
    expect(result.timedOut).toBe(true)
    expect(result.signal).toBe('SIGKILL')
  })

  it('enforces the address-space cap', async () => {
    // 64 MiB of address space is far too little for node to start.
    const result = await runProcess(process.execPath, ['-e', '1'], {
      timeoutMs: 20_000,
      memoryBytes: 64 * 1024 * 1024,
    })
    expect(result.code).not.toBe(0)
  })

  it('streams stdout lines to the callback', async () => {
    const lines: string[] = []
    const result = await runProcess('printf', ['a=1\\nb=2\\n'], {
      timeoutMs: 5000,
      memoryBytes: 0,
      onStdoutLine: (line) => lines.push(line),
    })
    expect(result.code).toBe(0)
    expect(lines).toEqual(['a=1', 'b=2'])
  })
})
