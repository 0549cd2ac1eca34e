import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ApprovalRuleEntity } from '../pull-requests/pull-request.entity';
import { destinationMatches, parseApprovalRuleContent } from '../approvals/approval-rule-content';
import { ApprovalRuleTemplateEntity, TemplateAssociationEntity } from './approval-rule-template.entity';

/** The rules a new pull request gets from the templates associated with its repository. */
@Injectable()
export class RuleTemplates {
  constructor(private readonly db: DataSource) {}

  /**
   * One rule per associated template whose DestinationReferences cover the destination, named
   * and worded as the template (CodeCommit keeps the link in originApprovalRuleTemplate).
   */
  async rulesFor(repositoryId: string, destinationReference: string): Promise<Pick<ApprovalRuleEntity, 'approvalRuleId' | 'approvalRuleName' | 'approvalRuleContent' | 'ruleContentSha256' | 'templateId' | 'templateName'>[]> {
    const templates = await this.db
      .getRepository(ApprovalRuleTemplateEntity)
      .createQueryBuilder('t')
      .innerJoin(TemplateAssociationEntity, 'a', 'a.approvalRuleTemplateId = t.approvalRuleTemplateId')
      .where('a.repositoryId = :repositoryId', { repositoryId })
      .orderBy('t.approvalRuleTemplateName', 'ASC')
      .getMany();
    return templates
      .filter((t) => destinationMatches(parseApprovalRuleContent(t.approvalRuleTemplateContent, true).destinationReferences, destinationReference))
      .map((t) => ({
        approvalRuleId: randomUUID(),
        approvalRuleName: t.approvalRuleTemplateName,
        approvalRuleContent: t.approvalRuleTemplateContent,
        ruleContentSha256: t.ruleContentSha256,
        templateId: t.approvalRuleTemplateId,
        templateName: t.approvalRuleTemplateName,
      }));
  }
}
