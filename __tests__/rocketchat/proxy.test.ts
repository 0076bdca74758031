import { describe, expect, it } from '@jest/globals'
import { proxyFor } from '../../src/rocketchat/proxy.js'

describe('proxy.ts proxyFor', () => {
  const https = new URL('https://chat.example.com/api')
  const http = new URL('http://chat.example.com:3000')

  it('picks the proxy by scheme as curl does', () => {
    expect(proxyFor(https, { HTTPS_PROXY: 'http://p:3128' })).toBe('http://p:3128')
    expect(proxyFor(https, { https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:2' })).toBe(
      'http://lower:1'
    )
    expect(proxyFor(http, { http_proxy: 'http://p:3128' })).toBe('http://p:3128')
    // curl ignores upper-case HTTP_PROXY (httpoxy).
    expect(proxyFor(http, { HTTP_PROXY: 'http://p:3128' })).toBe('')
    expect(proxyFor(https, { ALL_PROXY: 'http://all:1' })).toBe('http://all:1')
    expect(proxyFor(https, {})).toBe('')
  })

  it.each([
    ['*', ''],
    ['chat.example.com', ''],
    ['.example.com', ''],
    ['example.com', ''],
    ['*.example.com', ''],
    ['other.com,example.com', ''],
    ['example.com:443', ''],
    ['example.com:8443', 'http://p:3128'],
    ['ample.com', 'http://p:3128'],
    ['other.com', 'http://p:3128']
  ])('NO_PROXY=%s', (noProxy, expected) => {
    expect(proxyFor(https, { HTTPS_PROXY: 'http://p:3128', NO_PROXY: noProxy })).toBe(expected)
  })
})
