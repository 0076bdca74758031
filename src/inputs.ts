import { InputError, quote } from './errors.js'

// How one input's text becomes a typed value, with an error that names the input, quotes
// what was given and says what is expected.

/** Reads one input; the same contract as `core.getInput` (trimmed, '' when absent). */
export type GetInput = (name: string) => string

/** A true/false input; '' gives `fallback`. */
export function readBoolean(getInput: GetInput, name: string, fallback: boolean): boolean {
  const raw = getInput(name)
  if (!raw) return fallback
  // The YAML 1.2 core schema booleans, as @actions/core's getBooleanInput accepts.
  if (['true', 'True', 'TRUE'].includes(raw)) return true
  if (['false', 'False', 'FALSE'].includes(raw)) return false
  throw new InputError(name, `${quote(raw)} is not a boolean. Expected true or false.`)
}

/** One of `choices` (case-insensitive); '' gives `fallback`. */
export function readChoice<T extends string>(
  getInput: GetInput,
  name: string,
  choices: readonly T[],
  fallback: T
): T {
  const raw = getInput(name)
  if (!raw) return fallback
  const value = raw.toLowerCase() as T
  if (!choices.includes(value)) {
    throw new InputError(name, `${quote(raw)} is not one of ${choices.join(', ')}.`)
  }
  return value
}

/** A whole number within [min, max]; '' gives `fallback`. */
export function readInteger(
  getInput: GetInput,
  name: string,
  fallback: number,
  min: number,
  max: number
): number {
  return readOptionalInteger(getInput, name, min, max) ?? fallback
}

/** A whole number within [min, max], or undefined for ''. */
export function readOptionalInteger(
  getInput: GetInput,
  name: string,
  min: number,
  max: number
): number | undefined {
  const raw = getInput(name)
  if (!raw) return undefined
  if (!/^\d+$/.test(raw)) {
    throw new InputError(name, `${quote(raw)} is not a whole number. Expected ${min} to ${max}.`)
  }
  const value = Number(raw)
  if (value < min || value > max) {
    throw new InputError(name, `${raw} is out of range. Expected ${min} to ${max}.`)
  }
  return value
}
