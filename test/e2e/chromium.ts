// How this project starts Chromium (Debian's build, no sandbox, no GPU, no background traffic: see
// PLATFORM.md), shared by playwright.config.ts and the Chromium benchmarks.
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium'

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]
