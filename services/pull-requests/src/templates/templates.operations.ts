import { Injectable } from '@nestjs/common';
import { OperationHandler, OperationSet } from '../invoke/operation-set';
import { TemplatesService } from './templates.service';

/** Approval rule templates and their associations with repositories. */
@Injectable()
export class TemplateOperations implements OperationSet {
  constructor(private readonly templates: TemplatesService) {}

  readonly operations: Record<string, OperationHandler> = {
    CreateApprovalRuleTemplate: (input, caller) => this.templates.create(input, caller),
    DeleteApprovalRuleTemplate: (input) => this.templates.delete(input),
    GetApprovalRuleTemplate: (input) => this.templates.get(input),
    ListApprovalRuleTemplates: (input) => this.templates.list(input),
    UpdateApprovalRuleTemplateContent: (input, caller) => this.templates.updateContent(input, caller),
    UpdateApprovalRuleTemplateDescription: (input, caller) => this.templates.updateDescription(input, caller),
    UpdateApprovalRuleTemplateName: (input, caller) => this.templates.updateName(input, caller),
    AssociateApprovalRuleTemplateWithRepository: (input) => this.templates.associate(input),
    DisassociateApprovalRuleTemplateFromRepository: (input) => this.templates.disassociate(input),
    BatchAssociateApprovalRuleTemplateWithRepositories: (input) => this.templates.batchAssociate(input),
    BatchDisassociateApprovalRuleTemplateFromRepositories: (input) => this.templates.batchDisassociate(input),
    ListAssociatedApprovalRuleTemplatesForRepository: (input) => this.templates.listForRepository(input),
    ListRepositoriesForApprovalRuleTemplate: (input) => this.templates.listRepositories(input),
  };
}
