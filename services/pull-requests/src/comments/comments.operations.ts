import { Injectable, Provider } from '@nestjs/common';
import { OperationHandler, OperationSet } from '../invoke/operation-set';
import { COMMIT_READER, CommentsService, StorageCommitReader } from './comments.service';

/** Comments on compared commits and pull requests, replies, and reactions. */
@Injectable()
export class CommentOperations implements OperationSet {
  constructor(private readonly comments: CommentsService) {}

  readonly operations: Record<string, OperationHandler> = {
    PostCommentForComparedCommit: (input, caller) => this.comments.postForComparedCommit(input, caller),
    PostCommentForPullRequest: (input, caller) => this.comments.postForPullRequest(input, caller),
    PostCommentReply: (input, caller) => this.comments.postReply(input, caller),
    GetComment: (input, caller) => this.comments.get(input, caller),
    GetCommentsForComparedCommit: (input, caller) => this.comments.getForComparedCommit(input, caller),
    GetCommentsForPullRequest: (input, caller) => this.comments.getForPullRequest(input, caller),
    UpdateComment: (input, caller) => this.comments.update(input, caller),
    DeleteCommentContent: (input, caller) => this.comments.deleteContent(input, caller),
    PutCommentReaction: (input, caller) => this.comments.putReaction(input, caller),
    GetCommentReactions: (input) => this.comments.getReactions(input),
  };
}

/** Everything the comment operations need in the module: the storage reader, the service, the operation set. */
export const COMMENT_PROVIDERS: Provider[] = [{ provide: COMMIT_READER, useClass: StorageCommitReader }, CommentsService, CommentOperations];
