/**
 * Sends until the answer has status `want` or `withinMs` has passed, and returns the last status.
 * For effects that reach another replica asynchronously (LISTEN/NOTIFY); a bound, not a timing assertion.
 */
export async function pollStatus(send: () => PromiseLike<{ status: number }>, want: number, withinMs = 2000): Promise<number> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const { status } = await send();
    if (status === want || Date.now() >= deadline) return status;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Calls `probe` until `done` holds for its value or `withinMs` has passed (short, growing pauses in
 * between), and returns the last value. For asynchronous effects only; a bound, not a timing assertion.
 */
export async function until<T>(probe: () => Promise<T> | T, done: (v: T) => boolean, withinMs = 5000): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (let pause = 10; ; pause = Math.min(pause * 2, 250)) {
    const v = await probe();
    if (done(v) || Date.now() >= deadline) return v;
    await new Promise((r) => setTimeout(r, pause));
  }
}
