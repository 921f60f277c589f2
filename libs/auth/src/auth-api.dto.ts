import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { SCOPES } from './principal.js';

/** A token as listed: everything but the secret. */
export class TokenInfoDto {
  @ApiProperty({ example: 'Qm9vdHN0cmFwVG9rZW4xMg' })
  id!: string;

  @ApiProperty({ example: 'ci-deploy' })
  name!: string;

  @ApiProperty({ description: 'The user (or service account) the token acts as.' })
  owner!: string;

  @ApiProperty()
  serviceAccount!: boolean;

  @ApiProperty({ enum: SCOPES, isArray: true })
  scopes!: string[];

  @ApiProperty({ type: [String], description: 'Module path globs the token is restricted to; empty = no restriction.' })
  modules!: string[];

  @ApiProperty()
  createdBy!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  revokedAt!: string | null;
}

/** A new token: the secret is in this answer only. */
export class CreatedTokenDto extends TokenInfoDto {
  @ApiProperty({ description: 'The secret (a JWT). Shown once: use it as a Bearer token or as the .netrc password.' })
  token!: string;
}

/** A local user as the admin API shows it (never its password). */
export class LocalUserDto {
  @ApiProperty({ example: 'alice' })
  name!: string;

  @ApiProperty({ type: [String] })
  groups!: string[];

  @ApiProperty()
  disabled!: boolean;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

/** The caller as modgate sees them. */
export class WhoamiDto {
  @ApiProperty({ enum: ['user', 'token', 'anonymous'] })
  kind!: string;

  @ApiProperty({ description: 'User name, or the token name.' })
  name!: string;

  @ApiPropertyOptional({ description: "A token's owner." })
  user?: string;

  @ApiProperty({ type: [String] })
  groups!: string[];

  @ApiProperty({ enum: SCOPES, isArray: true })
  scopes!: string[];

  @ApiPropertyOptional({ type: [String] })
  modulePatterns?: string[];

  @ApiProperty({ enum: ['ldap', 'local', 'token', 'none'] })
  via!: string;

  @ApiPropertyOptional()
  serviceAccount?: boolean;

  @ApiPropertyOptional({ description: "A token's id." })
  tokenId?: string;

  @ApiProperty({ description: 'Whether the policy grants the admin permission.' })
  admin!: boolean;
}

export class LoginLockDto {
  @ApiProperty({ type: String, nullable: true, description: 'The locked user name (lower case); null: the address is locked for users who never logged in from it.' })
  user!: string | null;

  @ApiProperty({ example: '10.0.0.7' })
  ip!: string;

  @ApiProperty({ description: 'Failed logins counted.' })
  failures!: number;

  @ApiProperty({ description: 'Seconds until the lock ends by itself.' })
  retryAfterSeconds!: number;
}

export class UnlockResultDto {
  @ApiProperty({ description: 'Locks lifted on the replica that answered (every replica lifts its own).' })
  cleared!: number;
}
