/**
 * The seeded world the fake's tests talk about (users, rooms) and the shapes they check. See
 * helpers.ts for the running fake.
 */
import { SEED } from '../../test/fake-rocketchat/server.mjs'

// Response bodies are free-form JSON; tests read them by path.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any
export type SeedUser = (typeof SEED.users)[keyof typeof SEED.users]

export { SEED }
export const { bot, ci, admin, alice, bob } = SEED.users
export const ROOM = {
  general: SEED.rooms.general.id,
  ciBuilds: SEED.rooms['ci-builds'].id,
  releases: SEED.rooms.releases.id,
  deploys: SEED.rooms.deploys.id,
  secret: SEED.rooms['secret-ops'].id,
  announcements: SEED.rooms.announcements.id,
  teamQa: SEED.rooms['team-qa'].id,
  archived: SEED.rooms['old-builds'].id
}
export const LOGGED_OUT = 'You must be logged in to do this.'
export const METEOR_ID = /^[23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz]{17}$/
export const ISO_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/
export const TOO_MANY = (s: number) =>
  `Error, too many requests. Please slow down. You must wait ${s} seconds before trying this endpoint again. [error-too-many-requests]`
