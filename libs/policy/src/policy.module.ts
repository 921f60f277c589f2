import { Global, Module } from '@nestjs/common';
import { PERMISSION_CHECKER } from '#auth';
import { DATABASE, type Database } from '#db';
import { PrivateOriginsModule } from '#vcs';
import { ModuleAccess } from './module-access.service.js';
import { PoliciesController } from './policies.controller.js';
import { PolicyCheckController } from './policy-check.controller.js';
import { PolicyCheckService } from './policy-check.service.js';
import { PolicyRepository } from './policy.repository.js';
import { PolicyService } from './policy.service.js';
import { VulnerabilityExceptionsAudit } from './vulnerability-exceptions.service.js';

/** May-you: the effective policy, ModuleAccess for the GOPROXY routes, and `/api/policies`. */
@Global()
@Module({
  imports: [PrivateOriginsModule],
  controllers: [PoliciesController, PolicyCheckController],
  providers: [
    { provide: PolicyRepository, inject: [DATABASE], useFactory: (db: Database) => new PolicyRepository(db.prisma) },
    PolicyService,
    ModuleAccess,
    PolicyCheckService,
    VulnerabilityExceptionsAudit,
    { provide: PERMISSION_CHECKER, useExisting: ModuleAccess },
  ],
  exports: [PolicyService, ModuleAccess, PERMISSION_CHECKER],
})
export class PolicyModule {}
