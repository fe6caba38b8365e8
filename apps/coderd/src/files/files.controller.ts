import { Body, Controller, Param, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentActor, type Actor } from '#httpapi/auth-decorators.js';
import { Endpoint } from '#httpapi/endpoint.js';
import { header, setHeader, setStatus, type AnyRequest, type AnyResponse } from '#httpapi/http.js';
import { UploadResponse } from './files.dto.js';
import { FilesService } from './files.service.js';

@ApiTags('Files')
@Authenticated()
@Controller('api/v2/files')
export class FilesController {
  constructor(private readonly files: FilesService) {}

  @ApiConsumes('application/x-tar', 'application/zip')
  @ApiBody({ description: 'A tar or zip archive (zip is stored as tar).', schema: { type: 'string', format: 'binary' } })
  @Endpoint('POST', '', {
    id: 'uploadFile',
    summary: 'Upload file',
    description: 'Answers 201 for a new file and 200 when the caller already uploaded the same content (same sha256).',
    response: UploadResponse,
    errors: [403, 413],
  })
  async upload(@CurrentActor() actor: Actor, @Req() req: AnyRequest, @Body() body: unknown, @Res({ passthrough: true }) res: AnyResponse): Promise<UploadResponse> {
    const { id, created } = await this.files.upload(actor, header(req, 'content-type') ?? '', body);
    if (!created) setStatus(res, 200);
    return { hash: id };
  }

  @ApiProduces('application/x-tar')
  @Endpoint('GET', ':fileID', { id: 'getFileById', summary: 'Get file by ID', responseSchema: { type: 'string', format: 'binary' } })
  async get(@CurrentActor() actor: Actor, @Param('fileID') id: string, @Res({ passthrough: true }) res: AnyResponse): Promise<Buffer> {
    const file = await this.files.download(actor, id);
    setHeader(res, 'Content-Type', file.mimetype);
    return file.data;
  }
}
