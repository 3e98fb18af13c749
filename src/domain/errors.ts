// Expected failures that the user can fix. The dispatcher shows `userMessage` (Chinese) and `hint`
// on an error card; anything that is not a DomainError is treated as a system fault.

export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly userMessage: string,
    readonly hint?: string,
  ) {
    super(`${code}: ${userMessage}`);
    this.name = 'DomainError';
  }
}

/** The code for a click on a card whose object has changed since the card was drawn. */
export const STALE_CARD = 'STALE_CARD';
