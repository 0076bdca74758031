import * as core from '@actions/core'
import { deliver, PartialDeliveryError } from '../delivery/deliver.js'
import { dryRunReport } from '../delivery/dry-run.js'
import { deliverToWebhook } from '../delivery/webhook.js'
import { InputError } from '../errors.js'
import { validateAttachments } from '../message/attachments.js'
import { buildContent, type Content } from '../message/content.js'
import type { WorkflowContext } from '../message/context.js'
import { loadTemplateFile } from '../message/template-file.js'
import { Deadline } from '../rocketchat/deadline.js'
import { readWorkflowContext } from './context.js'
import { explainFailure } from './explain.js'
import { resolveFiles } from './files.js'
import { maskingReader, SETTING_NAMES } from './inputs.js'
import { writeOutputs, writeWebhookOutputs } from './outputs.js'
import { readSettings, type Settings } from './settings.js'

/**
 * The action: inputs -> settings -> message -> room -> send -> outputs. The one place
 * where an error becomes a failed step (or a warning, with fail-on-error: false).
 */
export async function run(): Promise<void> {
  let settings: Settings | undefined
  let watchdog: NodeJS.Timeout | undefined
  // Every value masked, so that templates cannot print them through `env` either.
  const masked: string[] = []
  try {
    const getInput = maskingReader(
      (name) => core.getInput(name),
      (secret) => {
        core.setSecret(secret)
        masked.push(secret)
      }
    )
    settings = readSettings(getInput)
    for (const warning of settings.warnings) core.warning(warning)
    // One budget from here on: templating, file checks and every request share it.
    const deadline = new Deadline(settings.timeoutMs, SETTING_NAMES.timeout)
    watchdog = startWatchdog(settings.timeoutMs, settings.failOnError)

    const ctx = readWorkflowContext(process.env, settings.status, masked)
    const workspace = process.env.GITHUB_WORKSPACE || process.cwd()
    const content = await composeContent(settings, ctx, workspace)
    // Missing, outside or oversized files fail the step here, before anything is posted.
    const files = await resolveFiles(settings.files, workspace, {
      maxBytes: settings.filesMaxBytes
    })
    if (settings.dryRun) {
      core.info(dryRunReport(settings, content, files, ctx.run_url))
      return
    }
    if (settings.webhook) {
      await deliverToWebhook(settings, settings.webhook, content, core, ctx.run_url, deadline)
      await writeWebhookOutputs()
      return
    }
    const result = await deliver(settings, content, core, ctx.run_url, files, deadline)
    await writeOutputs(result, settings)
  } catch (error) {
    // The message is there even though the step fails: later steps still get its outputs.
    if (error instanceof PartialDeliveryError && settings) {
      await writeOutputs(error.delivery, settings).catch(() => undefined)
    }
    const failOnError =
      settings?.failOnError ?? (error instanceof InputError ? error.failOnError : undefined) ?? true
    const message = explainFailure(error, {
      room: settings?.room?.given,
      impersonates: Boolean(settings?.alias || settings?.avatar)
    })
    if (failOnError) core.setFailed(message)
    else core.warning(`${message} (fail-on-error is false, so the step goes on.)`)
  } finally {
    clearTimeout(watchdog)
  }
}

async function composeContent(
  settings: Settings,
  ctx: WorkflowContext,
  workspace: string
): Promise<Content> {
  const templateFile = settings.templateFile
    ? await loadTemplateFile(settings.templateFile, workspace)
    : undefined
  const content = buildContent(
    {
      message: settings.message,
      alias: settings.alias,
      attachments: settings.attachments,
      blocks: settings.blocks,
      templateFile,
      template: settings.template,
      preset: settings.preset,
      layout: settings.layout,
      allowedMentions: settings.allowedMentions,
      mention: settings.mention,
      mentionIf: settings.mentionIf,
      maxLength: settings.maxMessageLength ?? 5000
    },
    ctx,
    (warning) => core.warning(warning)
  )
  // Templates fill string values after the input was checked, so check again what will be sent.
  if (content.attachments) {
    validateAttachments(
      content.attachments,
      !settings.attachments && settings.templateFile ? 'template-file' : 'attachments'
    )
  }
  // An update may bring only a reaction or files: the message then keeps its text.
  const updates =
    Boolean(settings.updateMessageId) ||
    (Boolean(settings.messageKey) && settings.keyMode === 'update')
  const followUps = Boolean(settings.reaction) || settings.files.length > 0
  const shown = content.attachments?.length || content.blocks?.length
  if (!content.text.trim() && !shown && !(updates && followUps)) {
    throw new InputError(
      'message',
      'nothing to post: message, attachments, blocks and template-file are all empty and preset is none.'
    )
  }
  return content
}

/**
 * The time budget is enforced inside every wait; this is the last line of defence, so a
 * bug can never hang a job past timeout-seconds.
 */
function startWatchdog(timeoutMs: number, failOnError: boolean): NodeJS.Timeout {
  const timer = setTimeout(() => {
    const message = `Stopped after timeout-seconds (${timeoutMs / 1000} s): the step did not finish in time. A message may have been posted; check the room before posting it again.`
    if (failOnError) core.setFailed(message)
    else core.warning(message)
    process.exit(failOnError ? 1 : 0)
  }, timeoutMs + 500)
  timer.unref()
  return timer
}
