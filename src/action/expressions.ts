import { INPUTS, type GetInput, type InputName } from './inputs.js'

const EXPRESSION = /\$\{\{[\s\S]*?\}\}/

/**
 * A warning for each input that still holds a `${{ … }}` workflow expression. The runner
 * expands them before the action starts, so one that is left means the step runs outside a
 * workflow (under local-action, say, which sets action.yml's defaults as written, such as
 * status's `${{ job.status }}`), or the workflow made the text on purpose. Either way the
 * value is used as it is, which is rarely what was meant.
 */
export function unexpandedExpressions(getInput: GetInput): string[] {
  const warnings: string[] = []
  // github-token is read only for preset run: elsewhere its unexpanded default does no harm.
  const unused = new Set<InputName>(
    getInput('preset').toLowerCase() === 'run' ? [] : ['github-token']
  )
  for (const name of Object.keys(INPUTS) as InputName[]) {
    if (unused.has(name)) continue
    const found = EXPRESSION.exec(getInput(name))?.[0]
    if (!found) continue
    const spec = INPUTS[name]
    // A secret input's text is never repeated, not even the part that looks like an expression.
    const shown = spec.kind === 'text' && spec.secret ? 'a ${{ … }} expression' : found
    warnings.push(
      `Input "${name}" holds ${shown}, which nothing expanded: the step runs outside a workflow (local-action, a test), where no expression is evaluated, or the workflow passed the text on as it is. The value is used as written; give the value itself (in local-action's .env file, INPUT_${name.toUpperCase()}).`
    )
  }
  return warnings
}
