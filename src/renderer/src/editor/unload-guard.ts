// Saves the open image as the page goes away (tab hidden or closed, reload, Electron window closed),
// when the autosave's timer would never fire: the edit is handed to a path that outlives the page,
// and where that is impossible the browser's leave-page warning gives the user the chance to stay.
export interface UnloadTargets {
  window: Pick<EventTarget, 'addEventListener' | 'removeEventListener'>
  document: Pick<EventTarget, 'addEventListener' | 'removeEventListener'> & { readonly visibilityState: string }
}

/**
 * `sendNow` starts sending what is unsaved and says whether nothing is left unsent (see
 * Autosave.sendNow). Returns the function that removes the listeners.
 */
export function guardUnload(targets: UnloadTargets, sendNow: () => boolean): () => void {
  const { window: win, document: doc } = targets
  // Hidden is the last moment a page is sure to get on mobile and when a tab is discarded.
  const onVisibility = (): void => {
    if (doc.visibilityState === 'hidden') sendNow()
  }
  const onPageHide = (): void => void sendNow()
  const onBeforeUnload = (e: Event): void => {
    if (sendNow()) return
    e.preventDefault()
    // Older Chromium (and so Electron) asks for returnValue as well; elsewhere it is a read-only boolean.
    const legacy = e as unknown as { returnValue: unknown }
    if (typeof legacy.returnValue === 'string') legacy.returnValue = 'Unsaved changes'
  }
  doc.addEventListener('visibilitychange', onVisibility)
  win.addEventListener('pagehide', onPageHide)
  win.addEventListener('beforeunload', onBeforeUnload)
  return () => {
    doc.removeEventListener('visibilitychange', onVisibility)
    win.removeEventListener('pagehide', onPageHide)
    win.removeEventListener('beforeunload', onBeforeUnload)
  }
}
