// The Electron shell's pure decisions: which links leave the app, which frames may call the contract,
// and the CSP header (the same constant as index.html's meta).
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { isAllowedExternalUrl, isTrustedSender, withCsp } from '../../../src/main/window-policy'
import { CSP_PLACEHOLDER, RENDERER_CSP } from '../../../src/shared/csp'

describe('isAllowedExternalUrl', () => {
  it('allows the dataset page the README links to', () => {
    expect(isAllowedExternalUrl('https://www.robots.ox.ac.uk/~vgg/data/pets/')).toBe(true)
    expect(isAllowedExternalUrl('https://www.robots.ox.ac.uk/~vgg/data/pets/data/images.tar.gz')).toBe(true)
  })

  it.each([
    'https://example.com/',
    'https://evil.example/~vgg/data/pets/',
    'https://www.robots.ox.ac.uk.evil.example/~vgg/data/pets/',
    'https://www.robots.ox.ac.uk/~vgg/other/',
    'https://user:pw@www.robots.ox.ac.uk/~vgg/data/pets/',
    'https://www.robots.ox.ac.uk:8443/~vgg/data/pets/',
    'http://www.robots.ox.ac.uk/~vgg/data/pets/',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'ms-settings:',
    'not a url',
  ])('denies %s', (url) => {
    expect(isAllowedExternalUrl(url)).toBe(false)
  })
})

describe('isTrustedSender', () => {
  const fileApp = 'file:///opt/workbench/resources/app/out/renderer/index.html'
  const devApp = 'http://localhost:5173/'

  it('accepts the app page itself, with or without a hash or query', () => {
    expect(isTrustedSender(fileApp, fileApp)).toBe(true)
    expect(isTrustedSender(`${fileApp}#/editor`, fileApp)).toBe(true)
    expect(isTrustedSender('http://localhost:5173/src/main.ts?x=1', devApp)).toBe(true)
  })

  it.each([
    ['another local file', 'file:///tmp/evil.html', fileApp],
    ['a file on another host', 'file://server/opt/workbench/resources/app/out/renderer/index.html', fileApp],
    ['a web page in the file app', 'https://example.com/', fileApp],
    ['another port of the dev server host', 'http://localhost:5174/', devApp],
    ['another host', 'http://127.0.0.1:5173/', devApp],
    ['a frame that is gone or not the main frame', null, fileApp],
    ['an empty URL', '', fileApp],
    ['about:blank', 'about:blank', fileApp],
  ])('rejects %s', (_what, frame, app) => {
    expect(isTrustedSender(frame, app)).toBe(false)
  })
})

describe('withCsp', () => {
  it('adds the renderer policy and replaces one the response sent, whatever its case', () => {
    const out = withCsp({ 'content-security-policy': ["default-src *"], 'Content-Type': ['text/html'] })
    expect(out).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': [RENDERER_CSP] })
    expect(withCsp(undefined)).toEqual({ 'Content-Security-Policy': [RENDERER_CSP] })
  })

  it('index.html takes its meta policy from the same constant (the build fills the placeholder)', () => {
    const html = readFileSync('src/renderer/index.html', 'utf8')
    expect(html).toMatch(new RegExp(`http-equiv="Content-Security-Policy"\\s+content="${CSP_PLACEHOLDER}"`))
    expect(readFileSync('electron.vite.config.ts', 'utf8')).toContain('cspMeta')
  })
})
