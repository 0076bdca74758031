// @ts-check
/**
 * Validation with the vendored rest-typings schemas (see schemas/ATTRIBUTION.md).
 *
 * Sources: npm `@rocket.chat/rest-typings` 8.8.1 and 6.13.1 (`dist/v1/chat.js`,
 * `dist/v1/dm/DmCreateProps.js`, and the Ajv options of `dist/v1/Ajv.js`). How the server reports a
 * failure is in pipeline.mjs.
 */
import { readFileSync } from 'node:fs'
// Both are CommonJS modules whose exports are the class / function itself and also carry it as
// `default`; TypeScript (NodeNext) types the default import as the whole module, so use `.default`.
import Ajv2020 from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'

/** @typedef {import('./versions.mjs').ServerVersion} ServerVersion */
/** @typedef {import('ajv').ValidateFunction} ValidateFunction */

const SCHEMA_DIR = new URL('./schemas/', import.meta.url)

/** @param {string} file */
function loadSchema(file) {
  return JSON.parse(readFileSync(new URL(file, SCHEMA_DIR), 'utf8'))
}

/**
 * Compiles the validators once per process; the options are the ones rest-typings uses.
 * @returns {Record<ServerVersion, Record<string, ValidateFunction>>}
 */
function buildValidators() {
  const ajv = new Ajv2020.default({ coerceTypes: true, allowUnionTypes: true, discriminator: true })
  addFormats.default(ajv)
  const v881 = loadSchema('rest-typings-8.8.1-schemas.json')
  const modern = {
    'chat.sendMessage': ajv.compile(v881['chat.sendMessage']),
    'chat.postMessage': ajv.compile(v881['chat.postMessage']),
    'chat.update': ajv.compile(v881['chat.update']),
    'chat.react': ajv.compile(v881['chat.react']),
    'chat.getMessage': ajv.compile(v881['chat.getMessage(query)']),
    'im.create': ajv.compile(v881['im.create|dm.create'])
  }
  const legacy = {
    ...modern,
    'chat.sendMessage': ajv.compile(loadSchema('rest-typings-6.13.1-chatSendMessageSchema.json')),
    'chat.postMessage': ajv.compile(loadSchema('rest-typings-6.13.1-ChatPostMessageSchema.json')),
    'chat.update': ajv.compile(loadSchema('rest-typings-6.13.1-ChatUpdateSchema.json'))
  }
  const before64 = {
    ...legacy,
    'chat.sendMessage': ajv.compile(
      withoutPreviewUrls('rest-typings-6.13.1-chatSendMessageSchema.json')
    ),
    'chat.update': ajv.compile(withoutPreviewUrls('rest-typings-6.13.1-ChatUpdateSchema.json'))
  }
  return { 8: modern, develop: modern, 6: legacy, 6.3: before64 }
}

/** A 6.13.1 schema minus the top-level `previewUrls` (additionalProperties stays false). @param {string} file */
function withoutPreviewUrls(file) {
  const schema = loadSchema(file)
  delete schema.properties.previewUrls
  return schema
}

/** @type {ReturnType<typeof buildValidators> | undefined} */
let validators

/**
 * @param {ServerVersion} version
 * @param {string} name validator name, e.g. 'chat.sendMessage'
 */
export function validatorFor(version, name) {
  validators ??= buildValidators()
  return validators[version][name]
}
