import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** A pull request with its one target (CodeCommit allows one repository per pull request). */
@Entity('pull_request')
@Index(['repositoryId', 'status'])
export class PullRequestEntity {
  @PrimaryGeneratedColumn('increment')
  pullRequestId!: number;

  @Column({ type: 'varchar', length: 150 })
  title!: string;

  @Column({ type: 'text', default: '' })
  description!: string;

  /** OPEN or CLOSED. */
  @Column({ type: 'varchar', length: 6 })
  status!: string;

  @Column({ type: 'varchar', length: 2048 })
  authorArn!: string;

  @Index({ unique: true, where: '"clientRequestToken" IS NOT NULL' })
  @Column({ type: 'varchar', length: 256, nullable: true })
  clientRequestToken!: string | null;

  /** Hash of the request a clientRequestToken was first used with (IdempotencyParameterMismatch). */
  @Column({ type: 'varchar', length: 64, default: '' })
  requestDigest!: string;

  @Column({ type: 'timestamptz' })
  creationDate!: Date;

  @Column({ type: 'timestamptz' })
  lastActivityDate!: Date;

  /** Changes whenever the source tip changes; approvals belong to one revision. */
  @Column({ type: 'varchar', length: 64 })
  revisionId!: string;

  @Column({ type: 'uuid' })
  repositoryId!: string;

  @Column({ type: 'varchar', length: 100 })
  repositoryName!: string;

  @Column({ type: 'varchar', length: 256 })
  sourceReference!: string;

  @Column({ type: 'varchar', length: 256 })
  destinationReference!: string;

  @Column({ type: 'varchar', length: 40 })
  sourceCommit!: string;

  @Column({ type: 'varchar', length: 40 })
  destinationCommit!: string;

  @Column({ type: 'varchar', length: 40, default: '' })
  mergeBase!: string;

  @Column({ type: 'boolean', default: false })
  isMerged!: boolean;

  @Column({ type: 'varchar', length: 2048, default: '' })
  mergedBy!: string;

  @Column({ type: 'varchar', length: 40, default: '' })
  mergeCommitId!: string;

  @Column({ type: 'varchar', length: 20, default: '' })
  mergeOption!: string;

  @Column({ type: 'varchar', length: 2048, default: '' })
  overrider!: string;

  /** The revision the override was set on; cleared when the source moves. */
  @Column({ type: 'varchar', length: 64, default: '' })
  overriddenRevisionId!: string;
}

/** One entry of a pull request's history (DescribePullRequestEvents). */
@Entity('pull_request_event')
@Index(['pullRequestId', 'eventId'])
export class PullRequestEventEntity {
  @PrimaryGeneratedColumn('increment')
  eventId!: number;

  @Column({ type: 'int' })
  pullRequestId!: number;

  @Column({ type: 'timestamptz' })
  eventDate!: Date;

  @Column({ type: 'varchar', length: 64 })
  eventType!: string;

  @Column({ type: 'varchar', length: 2048 })
  actorArn!: string;

  /** The metadata member of the event type, in CodeCommit's shape. */
  @Column({ type: 'jsonb' })
  metadata!: Record<string, unknown>;
}

/** An approval rule of one pull request (its own, or made from a template). */
@Entity('approval_rule')
@Index(['pullRequestId', 'approvalRuleName'], { unique: true })
export class ApprovalRuleEntity {
  @PrimaryColumn({ type: 'uuid' })
  approvalRuleId!: string;

  @Column({ type: 'int' })
  pullRequestId!: number;

  @Column({ type: 'varchar', length: 100 })
  approvalRuleName!: string;

  @Column({ type: 'text' })
  approvalRuleContent!: string;

  @Column({ type: 'varchar', length: 64 })
  ruleContentSha256!: string;

  @Column({ type: 'timestamptz' })
  creationDate!: Date;

  @Column({ type: 'timestamptz' })
  lastModifiedDate!: Date;

  @Column({ type: 'varchar', length: 2048 })
  lastModifiedUser!: string;

  @Column({ type: 'varchar', length: 64, default: '' })
  templateId!: string;

  @Column({ type: 'varchar', length: 100, default: '' })
  templateName!: string;
}

/** An approval given to one revision; revoking deletes it (REVOKE states are not kept). */
@Entity('approval')
export class ApprovalEntity {
  @PrimaryColumn({ type: 'int' })
  pullRequestId!: number;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  revisionId!: string;

  @PrimaryColumn({ type: 'varchar', length: 2048 })
  userArn!: string;

  @Column({ type: 'timestamptz' })
  approvedAt!: Date;
}

export const PULL_REQUEST_ENTITIES = [PullRequestEntity, PullRequestEventEntity, ApprovalRuleEntity, ApprovalEntity];
