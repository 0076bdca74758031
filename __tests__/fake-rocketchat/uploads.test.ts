/**
 * The fake Rocket.Chat server: rooms.media and rooms.mediaConfirm (see helpers.ts; rooms.upload is
 * in envelope.test.ts).
 */
import { beforeEach, describe, expect, it } from '@jest/globals'
import { bot, ci, ROOM, type SeedUser } from './fixtures.js'
import { fake, call, post, start } from './helpers.js'

describe('uploads', () => {
  beforeEach(() => start({ rateLimit: false }))

  async function upload(rid: string, as: SeedUser = bot, withFile = true) {
    const form = new FormData()
    if (withFile)
      form.append(
        'file',
        new Blob([new Uint8Array([1, 2, 3, 4])], { type: 'image/png' }),
        'shot.png'
      )
    return call('POST', `/api/v1/rooms.media/${rid}`, { body: form, as })
  }

  it('rooms.media stores a temporary upload and returns its id and url', async () => {
    const res = await upload(ROOM.general)
    expect(res.status).toBe(200)
    expect(res.body.file._id).toMatch(/^[0-9a-f]{24}$/)
    expect(res.body.file.url).toBe(`/file-upload/${res.body.file._id}/shot.png`)
    const stored = fake.uploads.get(res.body.file._id)
    expect(stored).toMatchObject({ name: 'shot.png', type: 'image/png', size: 4, confirmed: false })
    expect([...stored!.content]).toEqual([1, 2, 3, 4])
    expect(fake.messages.size).toBe(0)
  })

  it('rooms.media errors: no access 403, no file', async () => {
    expect((await upload(ROOM.secret)).status).toBe(403)
    expect((await upload(ROOM.secret)).body).toEqual({ success: false, error: 'unauthorized' })
    expect((await upload(ROOM.general, bot, false)).body).toEqual({
      success: false,
      error: 'No file was uploaded [error-no-file-uploaded]',
      errorType: 'error-no-file-uploaded'
    })
  })

  it('rooms.mediaConfirm posts the file message for the uploader only', async () => {
    const fileId = (await upload(ROOM.general)).body.file._id
    expect(
      (await post(`rooms.mediaConfirm/${ROOM.general}/${fileId}`, { msg: 'x' }, ci)).body
    ).toEqual({
      success: false,
      error: '[invalid-file]',
      errorType: 'invalid-file'
    })
    expect(
      (
        await post(`rooms.mediaConfirm/${ROOM.general}/${fileId}`, {
          description: 'd'.repeat(5001)
        })
      ).body
    ).toMatchObject({
      error: '[error-message-size-exceeded]'
    })
    const res = await post(`rooms.mediaConfirm/${ROOM.general}/${fileId}`, {
      msg: 'screenshot',
      description: 'UI'
    })
    expect(res.status).toBe(200)
    expect(res.body.message).toMatchObject({
      rid: ROOM.general,
      msg: 'screenshot',
      file: { _id: fileId, name: 'shot.png', type: 'image/png', size: 4, format: 'png' },
      attachments: [
        {
          title: 'shot.png',
          title_link: `/file-upload/${fileId}/shot.png`,
          title_link_download: true,
          type: 'file',
          description: 'UI',
          image_url: `/file-upload/${fileId}/shot.png`,
          image_type: 'image/png',
          image_size: 4
        }
      ]
    })
    expect(fake.messagesIn(ROOM.general)).toHaveLength(1)
  })

  it('a second rooms.mediaConfirm of one file posts it again and answers the first message', async () => {
    const fileId = (await upload(ROOM.general)).body.file._id
    const first = await post(`rooms.mediaConfirm/${ROOM.general}/${fileId}`, { msg: 'one' })
    const second = await post(`rooms.mediaConfirm/${ROOM.general}/${fileId}`, { msg: 'two' })
    expect(second.status).toBe(200)
    expect(fake.messagesIn(ROOM.general).map((m) => m.msg)).toEqual(['one', 'two'])
    // getMessageByFileIdAndUsername: a findOne by file id, so both answers name one message.
    expect(second.body.message._id).toBe(first.body.message._id)
  })

  it('rooms.mediaConfirm accepts no client _id or other unknown key, and stores nothing', async () => {
    const fileId = (await upload(ROOM.general)).body.file._id
    const res = await post(`rooms.mediaConfirm/${ROOM.general}/${fileId}`, { _id: 'abc' })
    expect(res.status).toBe(400)
    expect(res.body).toEqual({ success: false, error: 'Match error: Unknown key in field _id' })
    const typed = await post(`rooms.mediaConfirm/${ROOM.general}/${fileId}`, { groupable: 'x' })
    expect(typed.body.error).toBe('Match error: Expected boolean, got string in field groupable')
    expect(fake.messages.size).toBe(0)
    expect(fake.uploads.get(fileId)).toMatchObject({ confirmed: false })
  })

  it('rooms.mediaConfirm answers a null message when an app prevents it', async () => {
    const fileId = (await upload(ROOM.general)).body.file._id
    fake.preventMessages(true)
    const res = await post(`rooms.mediaConfirm/${ROOM.general}/${fileId}`, { msg: 'x' })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ message: null, success: true })
    expect(fake.messages.size).toBe(0)
  })

  it('rooms.media refuses a file over FileUpload_MaxFileSize with a bare Meteor error', async () => {
    fake.setSetting('FileUpload_MaxFileSize', 3)
    expect((await upload(ROOM.general)).body).toEqual({
      success: false,
      error: '[error-file-too-large]',
      errorType: 'error-file-too-large'
    })
  })
})
