// Shape of the CLI's command groups: `npm run cli -- <group> <command> [options]`. Each group
// (dataset now; training later) lives in its own file and is registered in cli.ts.
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean }
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number }
}

export interface CliCommand {
  summary: string
  usage: string
  /** Returns the exit code; throws AppError for bad input (printed as one line by cli.ts). */
  run(argv: string[], io: CliIo): Promise<number>
}

export interface CliGroup {
  name: string
  summary: string
  commands: Record<string, CliCommand>
}
