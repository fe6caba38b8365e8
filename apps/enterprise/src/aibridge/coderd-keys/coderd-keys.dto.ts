import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString } from 'class-validator';

const NAME_REQUIRED = 'Name is required.';

export class CreateAIGatewayCoderdKeyRequest {
  /**
   * Unique name (case-insensitive): at most 64 lowercase letters, digits and single hyphens, not
   * starting or ending with a hyphen.
   */
  @ApiProperty({ maxLength: 64, pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', example: 'gateway-eu-1' })
  @IsString({ message: (a) => (a.value === undefined || a.value === null ? NAME_REQUIRED : 'Must be a string.') })
  @IsNotEmpty({ message: NAME_REQUIRED })
  name: string;
}

/** A coderd key as listed: never the key itself nor its hash. */
export class AIGatewayCoderdKey {
  @ApiProperty({ format: 'uuid' })
  id: string;
  /** The key's unique name. */
  name: string;
  /** The first 11 characters of the key (`cgw_` and 7 more), to recognise it. */
  key_prefix: string;
  /** When the key was created. */
  @ApiProperty({ format: 'date-time' })
  created_at: string;
  /** When an AI Gateway last authenticated with the key; null until then. */
  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  last_used_at: string | null;
}

/** A key just created: the only response that carries the key. */
export class CreateAIGatewayCoderdKeyResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;
  /** The key's unique name. */
  name: string;
  /** The key (`cgw_` and 39 alphanumerics). Shown only once: store it now. */
  key: string;
  /** The first 11 characters of the key. */
  key_prefix: string;
  /** When the key was created. */
  @ApiProperty({ format: 'date-time' })
  created_at: string;
}
