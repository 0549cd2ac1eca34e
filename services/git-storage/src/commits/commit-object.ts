import { GrpcStatus, RpcError } from '@cairn/contracts';

export interface CommitFields {
  treeId: string;
  parents: string[];
  authorName: string;
  authorEmail: string;
  message: string;
}

/** A commit object as git writes it; author and committer are the caller, at the current time. */
export function commitObject(fields: CommitFields): string {
  for (const value of [fields.authorName, fields.authorEmail]) {
    if (/[<>\n\0]/.test(value)) throw new RpcError(GrpcStatus.INVALID_ARGUMENT, 'InvalidEmailException', 'Names and emails cannot contain <, > or line breaks.');
  }
  const signature = `${fields.authorName || 'Cairn'} <${fields.authorEmail}> ${Math.floor(Date.now() / 1000)} +0000`;
  const message = fields.message.endsWith('\n') ? fields.message : `${fields.message}\n`;
  return `tree ${fields.treeId}\n${fields.parents.map((p) => `parent ${p}\n`).join('')}author ${signature}\ncommitter ${signature}\n\n${message}`;
}
