import { cancelledError } from '../errors';

/** Throws the marked cancellation error when the signal is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined, what?: string): void {
  if (signal?.aborted) throw cancelledError(what);
}

/** Resolves or rejects with `promise`, or rejects with a cancellation error as soon as `signal` aborts. */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined, what?: string): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(cancelledError(what));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(cancelledError(what));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/** Waits `ms`, or rejects early with a cancellation error. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  // Checked first: an already-aborted signal never fires 'abort', which would leave the timer holding the process.
  if (signal?.aborted) return Promise.reject(cancelledError());
  return raceAbort(
    new Promise<void>((resolve) => {
      const onAbort = (): void => clearTimeout(t);
      // Removed when the timer fires, so polling loops do not pile listeners onto one long-lived signal.
      const t = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
    signal,
  );
}
