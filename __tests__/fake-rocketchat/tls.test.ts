/** The fake Rocket.Chat server: serving https (see helpers.ts). */
import { describe, expect, it } from '@jest/globals'
import https from 'node:https'
import { fake, start } from './helpers.js'

describe('TLS', () => {
  // Test-only self-signed certificate for 127.0.0.1 (valid until 2126). Not a secret.
  const key = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgtHiBbeZAchxNMrYz
j5QC3gOC/fa97kUP/6QLRi5pijahRANCAARTq2PGh9ZZL3XqH8uO1hrK43E2E19n
PF8FBoxs7AN4KgTv5cEklzA+LksUP98aIjohNc5Sxe0xWwaRHeX7LPUD
-----END PRIVATE KEY-----
`
  const cert = `-----BEGIN CERTIFICATE-----
MIIBkTCCATagAwIBAgIUCQbf+bDXKAXzxw4/YSuPWjRNEy4wCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJMTI3LjAuMC4xMCAXDTI2MTEyNTE4NDYxN1oYDzIxMjYxMTAx
MTg0NjE3WjAUMRIwEAYDVQQDDAkxMjcuMC4wLjEwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAARTq2PGh9ZZL3XqH8uO1hrK43E2E19nPF8FBoxs7AN4KgTv5cEklzA+
LksUP98aIjohNc5Sxe0xWwaRHeX7LPUDo2QwYjAdBgNVHQ4EFgQUvFSy7xJWMmPn
mjmk+DQtWSGePmYwHwYDVR0jBBgwFoAUvFSy7xJWMmPnmjmk+DQtWSGePmYwDwYD
VR0TAQH/BAUwAwEB/zAPBgNVHREECDAGhwR/AAABMAoGCCqGSM49BAMCA0kAMEYC
IQCaklc8fdyl3kYEKXMqPqzAoWDCqBOXB0DpwJSyF7eyYQIhAMrCMv83YcJ5xWSu
WvsV+ZhlDHRidqXPYbJCtSPDKuwb
-----END CERTIFICATE-----
`

  it('serves https when given a key pair', async () => {
    await start({ tls: { key, cert } })
    expect(fake.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
    const body = await new Promise<string>((resolve, reject) => {
      https
        .get(`${fake.url}/api/info`, { ca: cert }, (res) => {
          let text = ''
          res.on('data', (c) => (text += c))
          res.on('end', () => resolve(text))
        })
        .on('error', reject)
    })
    expect(JSON.parse(body)).toMatchObject({ version: '8.8', success: true })
  })
})
