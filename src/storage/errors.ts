// Misuse of a buffer (committing more than was offered, a capacity that is not a size) is a programmer
// mistake, reported as a StorageError whose `.code` says what and whose message is one sentence that
// also says the fix. Running out of room is not misuse: the copying calls return how much they moved.

export type StorageErrorCode =
  /** A capacity that is not a non-negative integer. */
  | 'ERR_STORAGE_BAD_CAPACITY'
  /** commitEnqueue/enqueueUnallocated of more bytes than there is room for. */
  | 'ERR_STORAGE_OVERCOMMIT'
  /** commitDequeue/dequeueAllocated of more bytes than are queued. */
  | 'ERR_STORAGE_UNDERFLOW'
  /** A packet larger than the packet buffer's payload capacity, or a metadata slot asked of an empty ring. */
  | 'ERR_STORAGE_PACKET';

export class StorageError extends Error {
  override readonly name = 'StorageError';

  constructor(
    readonly code: StorageErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Checks a capacity given to a constructor. */
export function checkCapacity(what: string, capacity: number): void {
  if (!Number.isInteger(capacity) || capacity < 0) {
    throw new StorageError(
      'ERR_STORAGE_BAD_CAPACITY',
      `${what}: capacity must be a non-negative integer number of bytes or slots, got ${capacity}; pass a size such as 4096 or a Uint8Array.`,
    );
  }
}
