import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditWriter, auditPrincipal } from '#audit';
import { ApiErrors, ApiJsonBody, Authenticated, CurrentPrincipal, describePrincipal, type Principal } from '#auth';
import { policyDocumentSchema } from '#config';
import { POLICY_VIEW_SCHEMA } from './policy-api.dto.js';
import { PolicyService } from './policy.service.js';

/** `/api/policies`: the YAML block (read-only here) and the API's document (replaced by PUT). Admins only. */
@Controller('api/policies')
@Authenticated({ permission: 'admin' })
@ApiTags('policies')
@ApiErrors(403)
export class PoliciesController {
  constructor(
    private readonly policies: PolicyService,
    private readonly audit: AuditWriter,
  ) {}

  @Get()
  @ApiOperation({ summary: "The YAML file's policies and the API's document" })
  @ApiOkResponse({ schema: POLICY_VIEW_SCHEMA })
  view() {
    return this.policies.view();
  }

  @Put()
  @ApiOperation({ summary: "Replace the API's policy document", description: 'Validated together with the YAML block; applied on every replica.' })
  @ApiJsonBody(policyDocumentSchema)
  @ApiOkResponse({ schema: POLICY_VIEW_SCHEMA })
  @ApiErrors(400)
  async replace(@CurrentPrincipal() principal: Principal, @Body() body: unknown) {
    const result = await this.policies.replaceApiDocument(body, describePrincipal(principal));
    await this.audit.record({ action: 'policy.change', principal: auditPrincipal(principal), status: 200, detail: { source: 'api', document: JSON.stringify(body).slice(0, 900) } });
    return result;
  }
}
