import { expect } from '@jest/globals'
import { readSettings } from '../../src/action/settings.js'
import { InputError } from '../../src/errors.js'
import { thrownBy } from './failure.js'

/** Settings read from these inputs, as the runner would give them ('' when absent). */
export function settingsFrom(inputs: Record<string, string>) {
  return readSettings((name) => inputs[name] ?? '')
}

/** The InputError these inputs are refused with. */
export function inputErrorOf(inputs: Record<string, string>): InputError {
  const error = thrownBy(() => settingsFrom(inputs))
  expect(error).toBeInstanceOf(InputError)
  return error as InputError
}
