import { iam } from '@cairn/contracts';
import type { EntityType } from './policy-attachment.entity';
import { iamErrors } from '../iam/iam-errors';

/** The proto's entity kind as the store names it. */
export function holderType(kind: iam.EntityKind): EntityType {
  switch (kind) {
    case iam.EntityKind.ENTITY_KIND_USER:
      return 'user';
    case iam.EntityKind.ENTITY_KIND_GROUP:
      return 'group';
    case iam.EntityKind.ENTITY_KIND_ROLE:
      return 'role';
    default:
      throw iamErrors.invalidInput('The entity kind must be a user, a group or a role.');
  }
}

/** IAM's quota names and limits per kind of holder. */
export const HOLDER_LIMITS: Record<EntityType, { attachedQuota: string; inlineBytes: number; label: string }> = {
  user: { attachedQuota: 'PoliciesPerUser', inlineBytes: 2048, label: 'user' },
  group: { attachedQuota: 'PoliciesPerGroup', inlineBytes: 5120, label: 'group' },
  role: { attachedQuota: 'PoliciesPerRole', inlineBytes: 10240, label: 'role' },
};

/** Managed policies a user, group or role may have attached (IAM's default quota). */
export const ATTACHED_POLICIES_PER_HOLDER = 10;
