import { Controller } from '@nestjs/common';
import type { IssueTokenCommand, IssuedToken, ListTokensQuery, RevokeTokenCommand, TokenInfo } from '#contracts';
import { Command } from '#messaging';
import { AccessService } from './access.service.js';

@Controller()
export class AccessController {
  constructor(private readonly access: AccessService) {}

  @Command('nominations.access.issue')
  async issue(request: IssueTokenCommand): Promise<IssuedToken> {
    return this.access.issue(request);
  }

  @Command('nominations.access.revoke')
  async revoke(request: RevokeTokenCommand): Promise<{ revoked: true }> {
    return this.access.revoke(request.ceremony, request.tokenId);
  }

  @Command('nominations.access.list')
  async list(request: ListTokensQuery): Promise<TokenInfo[]> {
    return this.access.list(request.ceremony);
  }
}
