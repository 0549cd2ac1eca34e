import { Column, Entity, Index, PrimaryGeneratedColumn, ValueTransformer } from 'typeorm';

/** bigint columns read back as strings; positions fit a JS number (they are checked to). */
const bigintAsNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

/**
 * A comment on the comparison of two commits, or on a pull request (then also such a comparison:
 * the destination side and the source side it was made on). A reply takes the comparison,
 * pull request and location of the comment it answers, so listings group a thread together.
 * Comments are never removed: DeleteCommentContent blanks the content and marks them deleted.
 */
@Entity('comment')
@Index(['repositoryId', 'afterCommitId', 'beforeCommitId'])
@Index(['pullRequestId', 'sequence'])
export class CommentEntity {
  /** Insertion order: listings and their page tokens follow it. */
  @PrimaryGeneratedColumn('increment')
  sequence!: number;

  @Index({ unique: true })
  @Column({ type: 'uuid' })
  commentId!: string;

  @Column({ type: 'uuid' })
  repositoryId!: string;

  /** The repository's name when the comment was posted. */
  @Column({ type: 'varchar', length: 100 })
  repositoryName!: string;

  /** The repository's account (for the events of pull-request comments). */
  @Column({ type: 'varchar', length: 32, default: '' })
  accountId!: string;

  /** Set for comments on a pull request (and their replies). */
  @Column({ type: 'int', nullable: true })
  pullRequestId!: number | null;

  /** Empty when the comparison has no before commit (comments on a first commit). */
  @Column({ type: 'varchar', length: 40, default: '' })
  beforeCommitId!: string;

  @Column({ type: 'varchar', length: 40 })
  afterCommitId!: string;

  /** Location: null for a general comment on the comparison. */
  @Column({ type: 'text', nullable: true })
  filePath!: string | null;

  /** Line number in the version named by relativeFileVersion; null for the file as a whole. */
  @Column({ type: 'bigint', nullable: true, transformer: bigintAsNumber })
  filePosition!: number | null;

  /** BEFORE or AFTER; null without a location. */
  @Column({ type: 'varchar', length: 6, nullable: true })
  relativeFileVersion!: string | null;

  /** The located file's blob in the before commit, when it is there. */
  @Column({ type: 'varchar', length: 40, default: '' })
  beforeBlobId!: string;

  /** The located file's blob in the after commit, when it is there. */
  @Column({ type: 'varchar', length: 40, default: '' })
  afterBlobId!: string;

  @Column({ type: 'uuid', nullable: true })
  inReplyTo!: string | null;

  /** Blank once deleted. */
  @Column({ type: 'text' })
  content!: string;

  @Column({ type: 'boolean', default: false })
  deleted!: boolean;

  @Column({ type: 'varchar', length: 2048 })
  authorArn!: string;

  @Column({ type: 'varchar', length: 256, nullable: true })
  clientRequestToken!: string | null;

  /** sha256 of the author and the token: a token is the caller's own, unique among their posts. */
  @Index({ unique: true, where: '"idempotencyKey" IS NOT NULL' })
  @Column({ type: 'varchar', length: 64, nullable: true })
  idempotencyKey!: string | null;

  /** sha256 of the operation and parameters the token was first used with (IdempotencyParameterMismatch). */
  @Column({ type: 'varchar', length: 64, default: '' })
  requestDigest!: string;

  @Column({ type: 'timestamptz' })
  creationDate!: Date;

  @Column({ type: 'timestamptz' })
  lastModifiedDate!: Date;
}

/** One user's reaction to one comment (a user has at most one per comment; "none" deletes it). */
@Entity('comment_reaction')
@Index(['commentId', 'userArn'], { unique: true })
export class ReactionEntity {
  /** Insertion order: GetCommentReactions pages follow it. */
  @PrimaryGeneratedColumn('increment')
  reactionId!: number;

  @Column({ type: 'uuid' })
  commentId!: string;

  @Column({ type: 'varchar', length: 2048 })
  userArn!: string;

  /** The Reaction's name in reactions.ts, e.g. "thumbsup". */
  @Column({ type: 'varchar', length: 32 })
  reaction!: string;

  @Column({ type: 'timestamptz' })
  reactedAt!: Date;
}

export const COMMENT_ENTITIES = [CommentEntity, ReactionEntity];
