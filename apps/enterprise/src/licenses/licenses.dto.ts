import { IsString, MaxLength, MinLength } from 'class-validator';

export class AddLicenseRequest {
  /** The license JWT, as issued by the vendor. */
  @IsString() @MinLength(1) @MaxLength(65536)
  license: string;
}

export class License {
  id: number;
  uuid: string;
  uploaded_at: string;
  /** The JWT's claims, verbatim (the token itself is never returned). */
  claims: Record<string, unknown>;
}
