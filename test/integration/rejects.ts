// The error a promise rejects with, as its { code, message } — for tests that check what a service says.
export async function rejects(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p
  } catch (err) {
    return err as { code: string; message: string }
  }
  throw new Error('expected a rejection')
}
