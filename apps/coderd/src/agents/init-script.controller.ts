import { Controller, Inject, Param, Req, Res } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiError } from '#httpapi/api-error.js';
import { Endpoint } from '#httpapi/endpoint.js';
import { queryParam, setHeader, type AnyRequest, type AnyResponse } from '#httpapi/http.js';
import type { DeploymentConfig } from '../config/config.js';
import { DEPLOYMENT_CONFIG } from '../tokens.js';
import { AGENT_DOWNLOAD_PATH, INIT_SCRIPT_ARCH, INIT_SCRIPT_OS, initScript, isInitScriptPair, referenceAgentSource } from './init-script.js';

const PAIRS = `os: ${INIT_SCRIPT_OS.join(', ')}; arch: ${INIT_SCRIPT_ARCH.join(', ')}`;

/** What external machines download to start an agent: no session needed, as in Coder. */
@ApiTags('InitScript')
@Controller()
export class InitScriptController {
  constructor(@Inject(DEPLOYMENT_CONFIG) private readonly config: DeploymentConfig) {}

  @ApiQuery({ name: 'os', required: false, description: `Operating system (default linux); ${PAIRS}.` })
  @ApiQuery({ name: 'arch', required: false, description: 'Architecture (default amd64).' })
  @Endpoint('GET', 'api/v2/init-script', { id: 'getInitScript', summary: 'Get agent init script', description: `The script that starts an agent on a machine coderd did not provision. ${PAIRS}.`, response: 'string', public: true })
  query(@Req() req: AnyRequest, @Res({ passthrough: true }) res: AnyResponse): string {
    return this.script(queryParam(req, 'os') || 'linux', queryParam(req, 'arch') || 'amd64', res);
  }

  @Endpoint('GET', 'api/v2/init-script/:os/:arch', { id: 'getInitScriptByOsArch', summary: 'Get agent init script for an OS and architecture', description: `${PAIRS}; any other pair is 400.`, response: 'string', public: true })
  byPath(@Param('os') os: string, @Param('arch') arch: string, @Res({ passthrough: true }) res: AnyResponse): string {
    return this.script(os, arch, res);
  }

  @Endpoint('GET', AGENT_DOWNLOAD_PATH.slice(1), {
    id: 'getReferenceAgent',
    summary: 'Download the reference agent',
    description: 'The reference agent as one JavaScript module for Node.js 20 or newer (what init scripts run). 503 when the server was started from an unbuilt tree.',
    response: 'string',
    public: true,
    errors: [503],
  })
  agent(@Res({ passthrough: true }) res: AnyResponse): string {
    const source = referenceAgentSource();
    if (source === undefined) throw new ApiError(503, 'The reference agent is not built.', 'Run npm run build on the server.');
    setHeader(res, 'Content-Type', 'text/javascript; charset=utf-8');
    return source;
  }

  private script(os: string, arch: string, res: AnyResponse): string {
    if (!isInitScriptPair(os, arch)) {
      throw new ApiError(400, 'Unknown os/arch combination.', `No init script for ${os}/${arch}; ${PAIRS}.`, [
        ...(INIT_SCRIPT_OS.includes(os as never) ? [] : [{ field: 'os', detail: `Must be one of ${INIT_SCRIPT_OS.join(', ')}.` }]),
        ...(INIT_SCRIPT_ARCH.includes(arch as never) ? [] : [{ field: 'arch', detail: `Must be one of ${INIT_SCRIPT_ARCH.join(', ')}.` }]),
      ]);
    }
    setHeader(res, 'Content-Type', 'text/plain; charset=utf-8');
    return initScript(this.config.accessUrl, os, arch);
  }
}

