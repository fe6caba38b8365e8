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
