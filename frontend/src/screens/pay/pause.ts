/** The wait between two tries after a lost connection while watching a payment. */
export const RETRY_PAUSE_MS = 2000;

export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
