import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { DATABASE, type Database } from '#db';
import { AuthEvents } from './auth-events.service.js';
import { AuthSecretRepository } from './auth-secret.repository.js';
import { AuthenticationGuard } from './authentication.guard.js';
import { CredentialVerifier } from './credential-verifier.service.js';
import { LoginLocksController } from './login-locks.controller.js';
import { LdapStrategy } from './ldap.strategy.js';
import { LdapVerifier } from './ldap-verifier.service.js';
import { LocalUserRepository } from './local-user.repository.js';
import { LocalUserService } from './local-user.service.js';
import { TokenRepository } from './token.repository.js';
import { TokenService } from './token.service.js';
import { TokensController } from './tokens.controller.js';
import { UsersController } from './users.controller.js';
import { WhoamiController } from './whoami.controller.js';

/**
 * Who-are-you: the global deny-by-default guard, tokens, local users, the LDAP strategy, and the
 * `/api/tokens`, `/api/users`, `/api/whoami` and `/api/auth` (login locks) routes. Permissions come from libs/policy through
 * PERMISSION_CHECKER.
 */
@Global()
@Module({
  controllers: [TokensController, UsersController, WhoamiController, LoginLocksController],
  providers: [
    { provide: TokenRepository, inject: [DATABASE], useFactory: (db: Database) => new TokenRepository(db.prisma) },
    { provide: LocalUserRepository, inject: [DATABASE], useFactory: (db: Database) => new LocalUserRepository(db.prisma) },
    { provide: AuthSecretRepository, inject: [DATABASE], useFactory: (db: Database) => new AuthSecretRepository(db.prisma) },
    AuthEvents,
    TokenService,
    LocalUserService,
    LdapStrategy,
    LdapVerifier,
    CredentialVerifier,
    { provide: APP_GUARD, useClass: AuthenticationGuard },
  ],
  exports: [AuthEvents, TokenService, LocalUserService, CredentialVerifier],
})
export class AuthModule {}
