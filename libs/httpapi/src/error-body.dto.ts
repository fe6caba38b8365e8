import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

@ApiSchema({ name: 'ValidationError' })
export class ValidationErrorDto {
  @ApiProperty({ example: 'username' }) field: string;
  @ApiProperty({ example: 'Username must be 1-32 alphanumeric characters.' }) detail: string;
}

/** Coder's error body (codersdk.Response). */
@ApiSchema({ name: 'Response' })
export class ErrorBodyDto {
  @ApiProperty({ description: 'A sentence for people.', example: 'Validation failed.' }) message: string;
  @ApiPropertyOptional({ description: 'More detail, when there is any.' }) detail?: string;
  @ApiPropertyOptional({ type: [ValidationErrorDto], description: 'One entry per invalid field.' }) validations?: ValidationErrorDto[];
}
