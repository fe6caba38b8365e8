import { ApiProperty } from '@nestjs/swagger';
import type * as sdk from '#sdk/files.js';

export class UploadResponse implements sdk.UploadResponse {
  @ApiProperty({ format: 'uuid', description: "The file's id (named `hash` as in Coder's API)." })
  hash: string;
}
