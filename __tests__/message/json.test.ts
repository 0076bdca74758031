import { describe, expect, it } from '@jest/globals'
import { InputError } from '../../src/errors.js'
import { parseAttachmentsInput } from '../../src/message/attachments.js'
import { parseBlocksInput } from '../../src/message/blocks.js'
import { MAX_DEPTH, parseJsonList } from '../../src/message/json.js'
import { thrownBy } from '../helpers/failure.js'

const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth)

describe('parseJsonList', () => {
  it('reads one object or a list of them; empty is undefined', () => {
    expect(parseJsonList('', 'x')).toBeUndefined()
    expect(parseJsonList(' \n', 'x')).toBeUndefined()
    expect(parseJsonList('{"a":1}', 'x')).toEqual([{ a: 1 }])
    expect(parseJsonList('[{"a":1},{"b":2}]', 'x')).toEqual([{ a: 1 }, { b: 2 }])
  })

  it('names the input and the place of a JSON error', () => {
    const error = thrownBy(() => parseJsonList('[{"a":1,}]', 'blocks'))
    expect(error).toBeInstanceOf(InputError)
    expect(error.message).toMatch(/^Input "blocks": is not valid JSON: .*line 1, column \d+/)
  })

  // Every JSON input goes through it, blocks included: none can overflow the stack.
  it.each([
    ['attachments', parseAttachmentsInput],
    ['blocks', parseBlocksInput]
  ])('refuses %s nested past the depth limit, naming the input', (input, parse) => {
    const error = thrownBy(() => parse(`[{"a":${nested(5000)}}]`, input))
    expect(error).toBeInstanceOf(InputError)
    expect(error.message).toContain(`Input "${input}"`)
    expect(error.message).toContain(String(MAX_DEPTH))
  })
})
