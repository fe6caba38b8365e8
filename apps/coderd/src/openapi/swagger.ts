import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { BUILD_VERSION } from '../tokens.js';

export const SWAGGER_PATH = 'swagger';

/** Path parameters mean the same thing on every route; describe them once. */
const PATH_PARAMS: Record<string, string> = {
  user: 'User ID, username, or "me".',
  organization: 'Organization ID or name.',
  keyid: 'API key ID (the part of the token before "-").',
  keyname: 'Token name.',
};
export const SWAGGER_JSON_PATH = 'swagger/doc.json';

/** The OpenAPI document, with Coder's two token schemes. */
export function buildOpenApiDocument(app: INestApplication, title = 'Coder API'): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle(title)
    .setDescription(
      'Coder-compatible control plane API (/api/v2). Errors are `{message, detail?, validations?}`. ' +
        'Authenticate with the `Coder-Session-Token` header, `Authorization: Bearer`, or the `coder_session_token` cookie.',
    )
    .setVersion(BUILD_VERSION)
    .setLicense('AGPL-3.0', 'https://www.gnu.org/licenses/agpl-3.0.html')
    .addServer('/')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'Coder-Session-Token' }, 'CoderSessionToken')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'A Coder API token.' }, 'BearerToken')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Api-Key', description: 'A Coder API token, as Anthropic clients send their key (AI Bridge).' }, 'XApiKey')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'Coder-AI-Gateway-Key', description: 'A coderd key of a standalone AI Gateway.' }, 'CoderAIGatewayKey')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'Coder-Provisioner-Daemon-Key', description: 'A provisioner key of an external provisioner daemon.' }, 'ProvisionerKey')
    .build();
  const doc = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (_controller, method) => method,
  });
  // Public routes carry no security requirement; say so explicitly (an empty list) rather than by omission.
  for (const item of Object.values(doc.paths)) {
    for (const op of Object.values(item) as Array<{ security?: unknown[]; parameters?: Array<{ in: string; name: string; description?: string }> }>) {
      if (typeof op !== 'object' || !op) continue;
      op.security ??= [];
      for (const param of op.parameters ?? []) if (param.in === 'path') param.description ??= PATH_PARAMS[param.name];
    }
  }
  doc.tags = [...new Set(Object.values(doc.paths).flatMap((p) => Object.values(p).flatMap((op) => (op as { tags?: string[] }).tags ?? [])))]
    .sort()
    .map((name) => ({ name, description: `${name} endpoints.` }));
  return doc;
}

export function setupSwagger(app: INestApplication, doc: OpenAPIObject): void {
  SwaggerModule.setup(SWAGGER_PATH, app, doc, { jsonDocumentUrl: SWAGGER_JSON_PATH, yamlDocumentUrl: 'swagger/doc.yaml' });
}
