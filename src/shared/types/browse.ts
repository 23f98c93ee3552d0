// DTOs of the server-side folder browser (fs:browse): what web mode shows instead of a file dialog.

/** A release archive of the Oxford-IIIT Pet dataset, or a folder to go into. */
export type BrowseEntryKind = 'folder' | 'archive'

export interface BrowseEntry {
  name: string
  kind: BrowseEntryKind
  /** A folder in the dataset layout (images/ and annotations/list.txt): it can be opened as is. */
  isDataset: boolean
}

export interface FolderListing {
  /** Absolute, with symbolic links resolved. */
  path: string
  /** The folder above, or null at one of the allowed roots. */
  parent: string | null
  /** This folder itself is a dataset. */
  isDataset: boolean
  /** The folders browsing may start from (and never leave). */
  roots: string[]
  /** Folders and the two release archives only, hidden ones left out; folders first, by name. */
  entries: BrowseEntry[]
  /** True when the folder held more entries than are listed. */
  truncated: boolean
}
