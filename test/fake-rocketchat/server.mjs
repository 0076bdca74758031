// @ts-check
/**
 * A fake Rocket.Chat server for integration tests, the demo and the benchmark.
 *
 * It answers the REST calls the Action makes the way a real server does: same status codes,
 * same envelopes, same error strings, same order of checks, same rate limiter, same body parsing
 * quirks. Each module names the Rocket.Chat source it follows (a file of RocketChat/Rocket.Chat at
 * the commit read, an npm package version, an issue); what was read in code only or guessed is
 * marked (inferred). README.md lists the modules and their sources. Request validation uses the
 * vendored @rocket.chat/rest-typings schemas (see schemas/).
 *
 * Plain JavaScript on purpose: `node test/fake-rocketchat/cli.mjs` must run without a build.
 * This file is the entry point; importers use only it (and seed.mjs).
 */

/** @typedef {import('./versions.mjs').ServerVersion} ServerVersion */
/** @typedef {import('./types.mjs').FakeOptions} FakeOptions */
/** @typedef {import('./types.mjs').RequestRecord} RequestRecord */
/** @typedef {import('./types.mjs').Fault} Fault */
/** @typedef {import('./start.mjs').FakeRocketChat} FakeRocketChat */

export { startFakeRocketChat } from './start.mjs'
export { SEED } from './seed.mjs'
