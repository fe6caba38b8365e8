import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { type DynamicModule, type INestApplication, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { toErrorResponse } from '#httpapi/error-response.js';
import { REQUEST_ID_HEADER } from '#httpapi/http.js';
import { FORM_BODY_LIMIT_BYTES, FORM_TYPE, isFormRequest, parseForm } from '#httpapi/form-body.js';
import type { DeploymentConfig } from '../config/config.js';
import { buildOpenApiDocument, setupSwagger } from '../openapi/swagger.js';
import { trackInFlightHandlers } from './in-flight.js';
import { trackUnstartedConnections } from './shutdown.js';

const BODY_LIMIT_BYTES = 1024 * 1024;
/** LLM requests carry whole conversations (and images); the gateway's routes take larger bodies. */
const AIBRIDGE_PREFIX = '/api/v2/aibridge/';
const AIBRIDGE_BODY_LIMIT_BYTES = 32 * 1024 * 1024;
const JSON_TYPE = /^application\/([\w.+-]+\+)?json\s*(;|$)/i;
/** Template archives (POST /files) arrive as raw bodies of these types, up to CODER_MAX_FILE_SIZE. */
const ARCHIVE_TYPES = ['application/x-tar', 'application/zip'];

export interface CreateAppOptions {
  title?: string;
  logLevels?: LogLevel[];
  /** Wire modules without running providers (OpenAPI generation needs no database). */
  preview?: boolean;
}

/**
 * Builds the HTTP application on the configured adapter (Fastify by default, Express on request)
 * with Coder's conventions: request ids, error bodies for framework errors, Swagger UI.
 */
export async function createApp(root: DynamicModule, config: DeploymentConfig, opts: CreateAppOptions = {}): Promise<INestApplication> {
  const logger = opts.logLevels ?? (config.verbose ? ['log', 'error', 'warn', 'debug'] : ['error', 'warn']);
  let app: INestApplication;
  if (config.httpAdapter === 'express') {
    const express = await NestFactory.create<NestExpressApplication>(root, new ExpressAdapter(), { logger, bodyParser: false, preview: opts.preview });
    const isJson = (req: { headers: Record<string, unknown> }) => JSON_TYPE.test(String(req.headers['content-type'] ?? ''));
    const isAibridge = (req: { url?: string }) => (req.url ?? '').startsWith(AIBRIDGE_PREFIX);
    express.useBodyParser('json', { limit: BODY_LIMIT_BYTES, type: (req: { headers: Record<string, unknown>; url?: string }) => isJson(req) && !isAibridge(req) });
    express.useBodyParser('json', { limit: AIBRIDGE_BODY_LIMIT_BYTES, type: (req: { headers: Record<string, unknown>; url?: string }) => isJson(req) && isAibridge(req) });
    express.useBodyParser('raw', { limit: config.maxFileSizeBytes, type: ARCHIVE_TYPES });
    // Forms (OAuth2) are read as text and parsed the way the Fastify parser does, repeats kept.
    express.useBodyParser('text', { limit: FORM_BODY_LIMIT_BYTES, type: FORM_TYPE });
    express.use((req: { headers: Record<string, string | string[] | undefined>; body?: unknown }, _res: unknown, next: () => void) => {
      if (typeof req.body === 'string' && isFormRequest(req)) req.body = parseForm(req.body);
      next();
    });
    express.disable('x-powered-by');
    express.set('trust proxy', false);
    express.use((req: { headers: Record<string, unknown> }, res: { setHeader(n: string, v: string): void }, next: () => void) => {
      res.setHeader(REQUEST_ID_HEADER, randomUUID());
      res.setHeader('X-Content-Type-Options', 'nosniff');
      next();
    });
    app = express;
  } else {
    const adapter = new FastifyAdapter({
      bodyLimit: BODY_LIMIT_BYTES,
      routerOptions: { ignoreTrailingSlash: true, maxParamLength: 256 },
      // Malformed URLs and over-long path parameters fail inside the router, before Nest.
      frameworkErrors: (err: FastifyError, _req: FastifyRequest, reply: FastifyReply) => {
        const { status, body } = toErrorResponse(err);
        void reply.status(status).send(body);
      },
    });
    const fastify = await NestFactory.create<NestFastifyApplication>(root, adapter, { logger, preview: opts.preview });
    const instance = fastify.getHttpAdapter().getInstance();
    instance.addContentTypeParser(ARCHIVE_TYPES, { parseAs: 'buffer', bodyLimit: config.maxFileSizeBytes }, (_req, body, done) => done(null, body));
    // Through Nest, so that it takes the place of Nest's own form parser (which would merge repeats).
    fastify.useBodyParser(FORM_TYPE, { bodyLimit: FORM_BODY_LIMIT_BYTES }, (_req, body, done) => done(null, parseForm(body.toString('utf8'))));
    // Routes are registered when the app initialises, after this hook is in place.
    instance.addHook('onRoute', (route) => {
      if (route.url.startsWith(AIBRIDGE_PREFIX)) route.bodyLimit = AIBRIDGE_BODY_LIMIT_BYTES;
    });
    instance.addHook('onRequest', (_req, reply, done) => {
      reply.header(REQUEST_ID_HEADER, randomUUID());
      reply.header('X-Content-Type-Options', 'nosniff');
      done();
    });
    app = fastify;
  }
  trackInFlightHandlers(app);
  setupSwagger(app, buildOpenApiDocument(app, opts.title));
  trackUnstartedConnections(app.getHttpServer());
  return app;
}
