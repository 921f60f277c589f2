import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ApiErrors, Authenticated } from '#auth';
import { MODGATE_CONFIG, type ModgateConfig } from '#config';
import { OriginMatcher } from '#vcs';

/** What a developer's go command needs to know about this server (`modgate login` reads it). */
export class ClientConfigDto {
  @ApiProperty({ type: [String], example: ['git.corp.example/acme'], description: 'Module path prefixes of the private origins, for GONOSUMDB (or GOPRIVATE with GONOPROXY=none).' })
  privateModules!: string[];

  @ApiProperty({ type: [String], example: ['sum.golang.org'], description: 'Checksum databases passed through at /sumdb/<name>/; empty: set GOSUMDB=off.' })
  checksumDatabases!: string[];
}

/** `GET /api/client-config`: for any authenticated caller, a read token included. */
@Controller('api/client-config')
@Authenticated()
@ApiTags('auth')
export class ClientConfigController {
  private readonly answer: ClientConfigDto;

  constructor(@Inject(MODGATE_CONFIG) config: ModgateConfig) {
    this.answer = { privateModules: new OriginMatcher(config.origins).privatePatterns(), checksumDatabases: config.sumdb.map((db) => db.name) };
  }

  @Get()
  @ApiOperation({ summary: 'The go settings for this server: private module prefixes (GONOSUMDB) and the checksum databases passed through' })
  @ApiOkResponse({ type: ClientConfigDto })
  @ApiErrors()
  clientConfig(): ClientConfigDto {
    return this.answer;
  }
}
