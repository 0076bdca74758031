import * as core from '@actions/core'
import { deliver, PartialDeliveryError } from '../delivery/deliver.js'
import { dryRunReport } from '../delivery/dry-run.js'
import { deliverToWebhook } from '../delivery/webhook.js'
import { InputError } from '../errors.js'
import type { LiveText } from '../delivery/options.js'
import { buildContent, type Content, type TemplateFileContent } from '../message/content.js'
import type { EnvAccess, WorkflowContext } from '../message/context.js'
import { loadTemplateFile } from '../message/template-file.js'
import { Deadline } from '../rocketchat/deadline.js'
import { readWorkflowContext, templateEnv } from './context.js'
import { skipWithoutCredentials } from './credentials.js'
import { explainFailure } from './explain.js'
import { unexpandedExpressions } from './expressions.js'
import { resolveFiles } from './files.js'
import { maskingReader, SETTING_NAMES } from './inputs.js'
import { log } from './log.js'
import { writeOutputs, writeWebhookOutputs } from './outputs.js'
import { runView } from '../message/run.js'
import { RunReport } from './run-report.js'
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
    for (const warning of unexpandedExpressions(getInput)) log.warning(warning)
    const skip = skipWithoutCredentials(getInput)
    if (skip) {
      log.notice(skip)
      return
    }
    settings = readSettings(getInput)
    for (const warning of settings.warnings) log.warning(warning)
    // One budget from here on: templating, file checks and every request share it.
    const deadline = new Deadline(settings.timeoutMs, SETTING_NAMES.timeout)
    watchdog = startWatchdog(settings.timeoutMs, settings.failOnError)

    const env = templateEnv(process.env, settings.templateEnv, masked)
    const ctx = readWorkflowContext(process.env, settings.status, env)
    const workspace = process.env.GITHUB_WORKSPACE || process.cwd()
    const templateFile = settings.templateFile
      ? await loadTemplateFile(settings.templateFile, workspace)
      : undefined
    const report = settings.preset === 'run' ? await readRun(settings, ctx, deadline) : undefined
    if (report) ctx.run = runView(ctx, report.jobs, Date.now())
    const content = composeContent(settings, ctx, templateFile, env, (warning) =>
      log.warning(warning)
    )
    // A live board: each write is made again from the jobs as they are right then.
    const given = settings
    const live: LiveText | undefined = report?.live(
      (fresh) => composeContent(given, fresh, templateFile, env, () => undefined).text
    )
    // Missing, outside or oversized files fail the step here, before anything is posted.
    const files = await resolveFiles(settings.files, workspace, {
      maxBytes: settings.filesMaxBytes
    })
    if (settings.dryRun) {
      // The request holds the message's text: printed where none of it can act on the runner.
      log.block(dryRunReport(settings, content, files, ctx.run_url))
      return
    }
    if (settings.webhook) {
      await deliverToWebhook(settings, settings.webhook, content, log, ctx.run_url, deadline)
      await writeWebhookOutputs()
      return
    }
    const result = await deliver(settings, content, log, ctx.run_url, files, deadline, live)
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
    if (failOnError) log.fail(message)
    else log.warning(`${message} (fail-on-error is false, so the step goes on.)`)
  } finally {
    clearTimeout(watchdog)
  }
}

/**
 * The jobs of this run for preset run, or undefined (with a warning saying why) so that the
 * step posts the status message instead: a report that cannot be read never loses the message.
 */
async function readRun(
  settings: Settings,
  ctx: WorkflowContext,
  deadline: Deadline
): Promise<RunReport | undefined> {
  try {
    return await RunReport.open(
      ctx,
      settings.githubToken,
      settings.status,
      deadline,
      log,
      settings.retries
    )
  } catch (error) {
    log.warning(error instanceof Error ? error.message : String(error))
    return undefined
  }
}

function composeContent(
  settings: Settings,
  ctx: WorkflowContext,
  templateFile: TemplateFileContent | undefined,
  env: EnvAccess,
  warn: (message: string) => void
): Content {
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
      maxLength: settings.maxMessageLength ?? 5000,
      linkPreviews: settings.linkPreviews,
      env
    },
    ctx,
    warn
  )
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
    if (failOnError) log.fail(message)
    else log.warning(message)
    process.exit(failOnError ? 1 : 0)
  }, timeoutMs + 500)
  timer.unref()
  return timer
}
