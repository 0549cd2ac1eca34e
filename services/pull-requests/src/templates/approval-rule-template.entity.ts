import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** An approval rule template of the account (templates are account- and region-wide). */
@Entity('approval_rule_template')
export class ApprovalRuleTemplateEntity {
  @PrimaryColumn({ type: 'uuid' })
  approvalRuleTemplateId!: string;

  @Index({ unique: true })
  @Column({ type: 'varchar', length: 100 })
  approvalRuleTemplateName!: string;

  @Column({ type: 'varchar', length: 1000, default: '' })
  approvalRuleTemplateDescription!: string;

  @Column({ type: 'text' })
  approvalRuleTemplateContent!: string;

  @Column({ type: 'varchar', length: 64 })
  ruleContentSha256!: string;

  @Column({ type: 'timestamptz' })
  creationDate!: Date;

  @Column({ type: 'timestamptz' })
  lastModifiedDate!: Date;

  @Column({ type: 'varchar', length: 2048 })
  lastModifiedUser!: string;
}

/** A template associated with a repository: new pull requests there get its rule. */
@Entity('approval_rule_template_association')
export class TemplateAssociationEntity {
  @PrimaryColumn({ type: 'uuid' })
  approvalRuleTemplateId!: string;

  /** By id, so a renamed repository keeps its templates. */
  @Index()
  @PrimaryColumn({ type: 'uuid' })
  repositoryId!: string;

  @Column({ type: 'timestamptz' })
  associatedAt!: Date;
}

export const TEMPLATE_ENTITIES = [ApprovalRuleTemplateEntity, TemplateAssociationEntity];
