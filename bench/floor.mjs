// The physical floor on loopback: Node posting one chat.sendMessage with node:http, then exiting.
import http from 'node:http'

const [url, userId, token] = process.argv.slice(2)
const body = JSON.stringify({ message: { rid: 'GENERAL', msg: 'floor' } })
const req = http.request(`${url}/api/v1/chat.sendMessage`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', 'x-user-id': userId, 'x-auth-token': token }
})
req.on('response', (res) => {
  let text = ''
  res.setEncoding('utf8')
  res.on('data', (d) => (text += d))
  res.on('end', () => {
    if (!JSON.parse(text).success) throw new Error(text)
  })
})
req.end(body)
