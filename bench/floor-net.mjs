// The network floor: Node making the fewest requests a case needs with node:https, on one
// kept-alive connection (a second one only for a request that runs at the same time as another).
//
//   node bench/floor-net.mjs CASE SERVER_URL CA_FILE USER_ID TOKEN [MESSAGE_ID]
import https from 'node:https'
import { readFileSync } from 'node:fs'

const [name, base, caFile, userId, token, messageId] = process.argv.slice(2)
const agent = new https.Agent({ keepAlive: true, ca: readFileSync(caFile, 'utf8') })
const auth = { 'x-user-id': userId, 'x-auth-token': token }

function call(method, path, body, headers = {}) {
  const data = body === undefined ? undefined : Buffer.isBuffer(body) ? body : JSON.stringify(body)
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${base}${path}`,
      {
        method,
        agent,
        headers: {
          ...auth,
          ...(data && !Buffer.isBuffer(body) && { 'content-type': 'application/json' }),
          ...headers
        }
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (d) => (text += d))
        res.on('end', () => {
          const json = JSON.parse(text)
          if (!json.success) reject(new Error(`${path}: ${text}`))
          else resolve(json)
        })
      }
    )
    req.on('error', reject)
    req.end(data)
  })
}

const send = (rid, extra = {}) =>
  call('POST', '/api/v1/chat.sendMessage', { message: { rid, msg: 'floor', ...extra } })

const cases = {
  name: async () => {
    await call('GET', '/api/v1/rooms.info?roomName=general')
    await send('GENERAL')
  },
  id: () => send('GENERAL'),
  user: async () => {
    const { room } = await call('POST', '/api/v1/im.create', { username: 'alice' })
    await send(room._id ?? room.rid)
  },
  keyed: async () => {
    await call('GET', '/api/v1/rooms.info?roomName=general')
    const { message } = await call('GET', `/api/v1/chat.getMessage?msgId=${messageId}`)
    await call('POST', '/api/v1/chat.update', {
      roomId: message.rid,
      msgId: message._id,
      text: `floor ${Date.now()}`
    })
  },
  file: async () => {
    await Promise.all([
      call('GET', '/api/info'),
      call('GET', '/api/v1/settings.public?_id=FileUpload_MaxFileSize'),
      call('GET', '/api/v1/rooms.info?roomName=general')
    ])
    const { message } = await send('GENERAL', { tmid: messageId })
    const boundary = 'floorboundary'
    const form = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="report.txt"\r\n` +
        `Content-Type: text/plain\r\n\r\nall green\n\r\n--${boundary}--\r\n`
    )
    const { file } = await call('POST', '/api/v1/rooms.media/GENERAL', form, {
      'content-type': `multipart/form-data; boundary=${boundary}`
    })
    await call('POST', `/api/v1/rooms.mediaConfirm/GENERAL/${file._id}`, {
      tmid: message.tmid
    })
  },
  webhook: () => call('POST', messageId, { text: 'floor' })
}

await cases[name]()
agent.destroy()
