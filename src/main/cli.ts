// Headless entry (`npm run cli -- <group> <command> …`): the same services and code as the app, no
// window. Command groups live in cli/; add a group by importing it into GROUPS.
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { isWireError } from '../shared/errors'
import { datasetGroup } from './cli/dataset'
import { queueGroup } from './cli/queue'
import { runsGroup } from './cli/runs'
import { trainingCommands } from './cli/training'
import { transferCommands } from './cli/transfer'
import type { CliCommand, CliGroup, CliIo } from './cli/types'

const GROUPS: CliGroup[] = [datasetGroup, runsGroup, queueGroup]
/** Commands without a group (`cli pretrain …`, `cli export …`). */
const COMMANDS: Record<string, CliCommand> = { ...trainingCommands, ...transferCommands }

function usage(): string {
  const lines = ['usage: npm run cli -- <group> <command> [options]', '']
  for (const g of GROUPS) {
    lines.push(`${g.name}: ${g.summary}`)
    for (const c of Object.values(g.commands)) lines.push(`  ${c.usage}`, `      ${c.summary}`)
  }
  lines.push('training, export, import, predict:')
  for (const c of Object.values(COMMANDS)) lines.push(`  ${c.usage}`, `      ${c.summary}`)
  return lines.join('\n') + '\n'
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [groupName, commandName, ...rest] = argv
  if (!groupName || groupName === '--help' || groupName === '-h' || groupName === 'help') {
    io.stdout.write(usage())
    return groupName ? 0 : 2
  }
  const direct = Object.hasOwn(COMMANDS, groupName) ? COMMANDS[groupName] : undefined
  const group = GROUPS.find((g) => g.name === groupName)
  const command = direct ?? (group && commandName ? group.commands[commandName] : undefined)
  if (!command) {
    const what = !group ? `unknown command group "${groupName}"` : `unknown command "${groupName} ${commandName ?? ''}"`
    io.stderr.write(`error: ${what.trim()}\n\n${usage()}`)
    return 2
  }
  try {
    return await command.run(direct ? argv.slice(1) : rest, io)
  } catch (err) {
    io.stderr.write(`error: ${errorLine(err)}\n`)
    return isUsageError(err) ? 2 : 1
  }
}

function isUsageError(err: unknown): boolean {
  if (!isWireError(err)) return false
  const code: string = err.code
  return code === 'BAD_INPUT' || code.startsWith('ERR_PARSE_ARGS')
}

function errorLine(err: unknown): string {
  // node:util parseArgs throws TypeErrors with a code such as ERR_PARSE_ARGS_UNKNOWN_OPTION.
  const msg = err instanceof Error ? err.message : String(err)
  return msg.split('\n')[0]!
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)
if (isMain) {
  runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then(
    (code) => {
      process.exitCode = code
    },
    (err: unknown) => {
      process.stderr.write(`error: ${errorLine(err)}\n`)
      process.exitCode = 1
    },
  )
}
