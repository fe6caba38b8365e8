import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsOptional } from 'class-validator';
import { ProvisionerDaemon } from '#coderd/provisioners/jobs.dto.js';

const TAGS_SCHEMA = { type: 'object', additionalProperties: { type: 'string' } } as const;

/** Name and tags of a new key; checked by the service so that each problem gets Coder's message. */
export class CreateProvisionerKeyRequest {
  /** Unique in the organization regardless of case; at most 64 characters; not built-in, user-auth or psk. */
  @ApiProperty({ maxLength: 64, example: 'eu-west-daemons' })
  @IsOptional()
  name: string;
  /** Tags every daemon authenticating with the key gets; a daemon may not add its own. */
  @ApiPropertyOptional({ ...TAGS_SCHEMA, example: { region: 'eu-west' } })
  @IsOptional()
  tags?: Record<string, string>;
}

/** The only response that carries the key. */
export class CreateProvisionerKeyResponse {
  /** The key (43 characters). Shown only once: store it now. */
  key: string;
}

/** A provisioner key as listed: never the key itself nor its hash. */
export class ProvisionerKey {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ format: 'date-time' })
  created_at: string;
  /** The organization's id. */
  @ApiProperty({ format: 'uuid' })
  organization: string;
  name: string;
  @ApiProperty(TAGS_SCHEMA)
  tags: Record<string, string>;
}

/** A key and the daemons that authenticated with it and were seen recently. */
export class ProvisionerKeyDaemons {
  @Type(() => ProvisionerKey)
  key: ProvisionerKey;
  @Type(() => ProvisionerDaemon)
  daemons: ProvisionerDaemon[];
}
