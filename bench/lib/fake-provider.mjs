// The fake OpenAI/Anthropic provider of the test suite, in a process of its own so that it neither
// shares an event loop with the load generator nor with the server being measured.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export async function startFakeProvider(root) {
  const module = pathToFileURL(path.join(root, 'test', 'support', 'fake-llm.mjs')).href;
  const script = `
    const { startFakeLlm } = await import(${JSON.stringify(module)});
    // No artificial pause between stream chunks: the bench measures the gateway, not the fake.
    const fake = await startFakeLlm({ chunkDelayMs: 0 });
    // Keep no history: a long run would otherwise hold every request in memory.
    setInterval(() => fake.reset(), 1000).unref();
    process.stdout.write('PORT ' + fake.port + '\\n');
    process.on('SIGTERM', () => fake.close().then(() => process.exit(0)));
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`the fake provider exited with code ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
