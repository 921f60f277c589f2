import { Body, Controller, Get, Put } from '@nestjs/common';
import { AuditWriter, auditPrincipal } from '#audit';
import { Authenticated, CurrentPrincipal, describePrincipal, type Principal } from '#auth';
import { PolicyService } from './policy.service.js';

/** `/api/policies`: the YAML block (read-only here) and the API's document (replaced by PUT). Admins only. */
@Controller('api/policies')
@Authenticated({ permission: 'admin' })
export class PoliciesController {
  constructor(
    private readonly policies: PolicyService,
    private readonly audit: AuditWriter,
  ) {}

  @Get()
  view() {
    return this.policies.view();
  }

  @Put()
  async replace(@CurrentPrincipal() principal: Principal, @Body() body: unknown) {
    const result = await this.policies.replaceApiDocument(body, describePrincipal(principal));
    await this.audit.record({ action: 'policy.change', principal: auditPrincipal(principal), status: 200, detail: { source: 'api', document: JSON.stringify(body).slice(0, 900) } });
    return result;
  }
}
