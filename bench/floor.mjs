// The floor: Node running one POST of chat.sendMessage with the built-in fetch.
const [url, userId, token] = process.argv.slice(2)
const response = await fetch(`${url}/api/v1/chat.sendMessage`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', 'x-user-id': userId, 'x-auth-token': token },
  body: JSON.stringify({ message: { rid: 'GENERAL', msg: 'floor' } })
})
const body = await response.json()
if (!body.success) throw new Error(JSON.stringify(body))
