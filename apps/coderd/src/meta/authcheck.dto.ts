import { Type } from 'class-transformer';
import { IsBoolean, IsObject, IsOptional, IsString, IsUUID, MaxLength, ValidateNested } from 'class-validator';

export class AuthorizationObjectRequest {
  @IsString() @MaxLength(64)
  resource_type: string;
  @IsOptional() @IsUUID('all')
  owner_id?: string;
  @IsOptional() @IsUUID('all')
  organization_id?: string;
  @IsOptional() @IsString() @MaxLength(64)
  resource_id?: string;
  /** True when allowed in at least one organization the caller belongs to. */
  @IsOptional() @IsBoolean()
  any_org?: boolean;
}

export class AuthorizationCheck {
  @ValidateNested() @Type(() => AuthorizationObjectRequest)
  object: AuthorizationObjectRequest;
  @IsString() @MaxLength(64)
  action: string;
}

export class AuthorizationRequest {
  /** Named checks; the response answers each name with true or false. */
  @IsObject()
  checks: Record<string, AuthorizationCheck>;
}
