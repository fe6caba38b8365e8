// AI Bridge test servers: the gateway's providers pointed at the fake, an owner, a member, a license.
import { FAKE_ANTHROPIC_KEY, FAKE_OPENAI_KEY, type FakeLlm } from './fake-llm.mjs';
import { createFirstUser, createUser, type FirstUser, type TestUser } from './fixtures.js';
import { testPublicKeysFile, uploadLicense, validLicense } from './licenses.js';
import { startTestServer, type TestServer } from './test-server.js';

/** Environment of an AI Bridge server whose OpenAI and Anthropic providers are the fake. */
export async function bridgeEnv(fake: FakeLlm, extra: Record<string, string> = {}): Promise<Record<string, string>> {
  return {
    CODER_LICENSE_PUBLIC_KEYS: await testPublicKeysFile(),
    CODER_AIBRIDGE_ENABLED: 'true',
    CODER_AIBRIDGE_OPENAI_KEY: FAKE_OPENAI_KEY,
    CODER_AIBRIDGE_OPENAI_BASE_URL: `${fake.url}/v1`,
    CODER_AIBRIDGE_ANTHROPIC_KEY: FAKE_ANTHROPIC_KEY,
    CODER_AIBRIDGE_ANTHROPIC_BASE_URL: fake.url,
    ...extra,
  };
}

/** A server with an owner, a member and (unless `features` is null) a license with these features. */
export async function startBridge(
  env: Record<string, string>,
  features: Record<string, number> | null = { aibridge: 1 },
): Promise<{ server: TestServer; owner: FirstUser; member: TestUser }> {
  const server = await startTestServer({ env });
  const owner = await createFirstUser(server);
  const member = await createUser(server, owner);
  if (features) {
    const res = await uploadLicense(server, owner.token, await validLicense(features));
    if (res.status !== 201) throw new Error(`license upload failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return { server, owner, member };
}
