import { Body, Controller, Param, Req, Res } from '@nestjs/common';
import { ApiBody, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { RequireFeature } from '#entitlements/require-feature.js';
import { SelfAuthenticated } from '#httpapi/auth-decorators.js';
import { Endpoint } from '#httpapi/endpoint.js';
import { header, setStatus, type AnyRequest, type AnyResponse } from '#httpapi/http.js';
import { clientGone } from '#httpapi/raw-response.js';
import { PROVISIONER_KEY_HEADER, type AcquiredJob, type RegisteredDaemon, type UpdateJobResponse } from '#provisioner/protocol.js';
import { ACQUIRE_WAIT_DEFAULT_MS, ACQUIRE_WAIT_MAX_MS, ExternalDaemonsService } from './external-daemons.service.js';
import { ProvisionerKeysService } from './provisioner-keys.service.js';

const PROTOCOL = 'A message of the provisioner daemon protocol (docs/provisioners.md).';
const MESSAGE = { schema: { type: 'object', description: PROTOCOL } };

/**
 * The daemon protocol over HTTP for external provisioner daemons, authenticated on every request
 * with a provisioner key (`npm run provisioner -- --key ...`). Each call is one protocol message.
 */
@ApiTags('Enterprise')
@SelfAuthenticated('ProvisionerKey')
@RequireFeature('external_provisioner_daemons')
@Controller('api/v2/provisionerdaemons')
export class ExternalDaemonsController {
  constructor(
    private readonly keys: ProvisionerKeysService,
    private readonly daemons: ExternalDaemonsService,
  ) {}

  @ApiBody(MESSAGE)
  @Endpoint('POST', 'register', {
    id: 'registerProvisionerDaemon',
    summary: 'Register provisioner daemon',
    description: `Registers the daemon under the key in "${PROVISIONER_KEY_HEADER}", in the key's organization and with the key's tags (a daemon may not bring tags: 403). A daemon of the same name takes over its row.`,
    status: 200,
    responseSchema: MESSAGE.schema,
    errors: [403],
  })
  async register(@Req() req: AnyRequest, @Body() body: unknown): Promise<RegisteredDaemon> {
    return this.daemons.register(await this.key(req), body);
  }

  @ApiParam({ name: 'daemon', description: 'The id register answered.', format: 'uuid' })
  @ApiQuery({ name: 'wait_ms', required: false, type: Number, description: `How long to wait for a job; default ${ACQUIRE_WAIT_DEFAULT_MS}, at most ${ACQUIRE_WAIT_MAX_MS}.` })
  @Endpoint('POST', ':daemon/acquire', {
    id: 'acquireProvisionerJob',
    summary: 'Acquire provisioner job',
    description: 'Long poll: 200 with the job the daemon now holds, or 204 when none came within wait_ms.',
    status: 200,
    responseSchema: MESSAGE.schema,
  })
  async acquire(@Req() req: AnyRequest, @Param('daemon') daemon: string, @Res({ passthrough: true }) res: AnyResponse): Promise<AcquiredJob | undefined> {
    const identity = await this.daemon(req, daemon);
    const gone = clientGone(res);
    try {
      const job = await this.daemons.acquire(identity, (req.query ?? {}) as Record<string, unknown>, gone.signal);
      if (!job) setStatus(res, 204);
      return job ?? undefined;
    } finally {
      gone.release();
    }
  }

  @ApiParam({ name: 'daemon', format: 'uuid' })
  @ApiBody(MESSAGE)
  @Endpoint('POST', ':daemon/update', {
    id: 'updateProvisionerJob',
    summary: 'Update provisioner job',
    description: 'Appends logs to a job the daemon holds and is its heartbeat; the answer says whether the job was cancelled.',
    status: 200,
    responseSchema: MESSAGE.schema,
  })
  async update(@Req() req: AnyRequest, @Param('daemon') daemon: string, @Body() body: unknown): Promise<UpdateJobResponse> {
    return this.daemons.update(await this.daemon(req, daemon), body);
  }

  @ApiParam({ name: 'daemon', format: 'uuid' })
  @ApiBody(MESSAGE)
  @Endpoint('POST', ':daemon/complete', { id: 'completeProvisionerJob', summary: 'Complete provisioner job', status: 204 })
  async complete(@Req() req: AnyRequest, @Param('daemon') daemon: string, @Body() body: unknown): Promise<void> {
    await this.daemons.complete(await this.daemon(req, daemon), body);
  }

  @ApiParam({ name: 'daemon', format: 'uuid' })
  @ApiBody(MESSAGE)
  @Endpoint('POST', ':daemon/fail', { id: 'failProvisionerJob', summary: 'Fail provisioner job', status: 204 })
  async fail(@Req() req: AnyRequest, @Param('daemon') daemon: string, @Body() body: unknown): Promise<void> {
    await this.daemons.fail(await this.daemon(req, daemon), body);
  }

  private key(req: AnyRequest) {
    return this.keys.authenticate(header(req, PROVISIONER_KEY_HEADER));
  }

  /** The key and the daemon it registered, in one lookup. */
  private daemon(req: AnyRequest, id: string) {
    return this.keys.daemon(header(req, PROVISIONER_KEY_HEADER), id);
  }
}
