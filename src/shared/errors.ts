// Errors that cross a boundary (IPC, HTTP, worker) as plain { code, message } objects,
// because Electron's invoke and JSON both drop error classes.
export type ErrorCode =
  | 'BAD_INPUT'
  | 'NOT_FOUND'
  | 'NOT_A_DATASET'
  | 'BAD_ARCHIVE'
  | 'PARSE_ERROR'
  | 'UNSUPPORTED'
  | 'UNAUTHORIZED'
  | 'IO_ERROR'
  | 'INTERNAL'

export interface WireError {
  code: ErrorCode
  message: string
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message)
    this.name = 'AppError'
  }

  toWire(): WireError {
    return { code: this.code, message: this.message }
  }
}

export function toWireError(err: unknown): WireError {
  if (err instanceof AppError) return err.toWire()
  if (isWireError(err)) return { code: err.code, message: err.message }
  const message = err instanceof Error ? err.message : String(err)
  return { code: 'INTERNAL', message }
}

export function isWireError(v: unknown): v is WireError {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as WireError).code === 'string' &&
    typeof (v as WireError).message === 'string'
  )
}

export function fromWireError(w: WireError): AppError {
  return new AppError(w.code, w.message)
}
