// @ts-check
/** Ids and small helpers. */
import { randomBytes, randomInt } from 'node:crypto'

const METEOR_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz'

/** Meteor `Random.id()`: 17 chars. */
export function randomId() {
  let id = ''
  for (let i = 0; i < 17; i++) id += METEOR_ALPHABET[randomInt(METEOR_ALPHABET.length)]
  return id
}

/** Upload ids are Mongo ObjectIds (24 hex chars). */
export function objectId() {
  return randomBytes(12).toString('hex')
}

export const isoNow = () => new Date().toISOString()

/** @param {unknown} v @returns {any[]} */
export const ensureArray = (v) => (Array.isArray(v) ? v : [v])

/** @param {unknown} v */
export const isEmptyValue = (v) =>
  v === undefined ||
  v === null ||
  v === '' ||
  (typeof v === 'object' && Object.keys(v).length === 0)

/**
 * lodash `removeEmpty` as used by processWebhookMessage: drops only null/undefined.
 * @param {Record<string, unknown>} obj
 * @returns {Record<string, any>}
 */
export function removeNullish(obj) {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined && v !== null))
}
