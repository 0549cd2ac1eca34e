import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { callUnary, metadataTriggers as mt } from '@cairn/contracts';
import { Upstreams } from '../upstreams';
import { RepositoriesService } from '../repositories/repositories.service';
import { RepositoryTriggersEntity, StoredTrigger } from './trigger.entities';
import { destinationOf, matchingReferences, triggerPayload, validateTriggers } from './trigger-rules';
import { TriggerSender } from './trigger-sender';

const ZERO = '0'.repeat(40);

/** PutRepositoryTriggers, GetRepositoryTriggers and TestRepositoryTriggers. */
@Injectable()
export class TriggersService {
  constructor(
    private readonly db: DataSource,
    private readonly repositories: RepositoriesService,
    private readonly upstreams: Upstreams,
    private readonly sender: TriggerSender,
  ) {}

  private get capabilities() {
    return this.sender.capabilities;
  }

  async put(request: mt.PutRepositoryTriggersRequest): Promise<mt.PutRepositoryTriggersResponse> {
    const repo = await this.repositories.getEntity(request.repositoryName);
    const triggers = request.triggers.map(stored);
    validateTriggers(triggers, (await this.upstreams.getAccount()).region, this.capabilities);
    const configurationId = randomUUID();
    await this.db.getRepository(RepositoryTriggersEntity).save({ repositoryId: repo.repositoryId, configurationId, triggers });
    return { configurationId };
  }

  async get(request: mt.GetRepositoryTriggersRequest): Promise<mt.GetRepositoryTriggersResponse> {
    const repo = await this.repositories.getEntity(request.repositoryName);
    const row = await this.db.getRepository(RepositoryTriggersEntity).findOneBy({ repositoryId: repo.repositoryId });
    return { configurationId: row?.configurationId ?? '', triggers: row?.triggers ?? [] };
  }

  /**
   * Sends each trigger a message about the default branch's tip (zeros in an empty repository), as
   * CodeCommit's test does, and reports which destinations took it.
   */
  async test(request: mt.TestRepositoryTriggersRequest): Promise<mt.TestRepositoryTriggersResponse> {
    const repo = await this.repositories.getEntity(request.repositoryName);
    const triggers = request.triggers.map(stored);
    const account = await this.upstreams.getAccount();
    validateTriggers(triggers, account.region, this.capabilities);
    const ref = repo.defaultBranch ? `refs/heads/${repo.defaultBranch}` : '';
    const { refs } = ref ? await callUnary(this.upstreams.storage, this.upstreams.storage.listRefs, { repositoryId: repo.repositoryId, prefixes: [ref] }) : { refs: [] };
    const commit = refs.find((r) => r.name === ref)?.target ?? ZERO;
    const response: mt.TestRepositoryTriggersResponse = { successfulExecutions: [], failedExecutions: [] };
    for (const trigger of triggers) {
      const destination = destinationOf(trigger.destinationArn);
      if (destination.kind === 'aws') {
        response.failedExecutions.push({ trigger: trigger.name, failureMessage: 'Cairn cannot deliver to AWS SNS or Lambda; use a webhook URL or kafka://<topic> as the destination.' });
        continue;
      }
      const references = matchingReferences({ ...trigger, branches: [], events: ['all'] }, [{ ref: ref || 'refs/heads/main', oldId: commit, newId: commit }]);
      const body = triggerPayload({ region: account.region, repositoryArn: `arn:aws:codecommit:${account.region}:${account.accountId}:${repo.repositoryName}`, configurationId: 'test', trigger, references, actorArn: '', eventTime: new Date() });
      const result = await this.sender.send(destination, body, randomUUID(), repo.repositoryId);
      if (result.ok) response.successfulExecutions.push(trigger.name);
      else response.failedExecutions.push({ trigger: trigger.name, failureMessage: `The destination did not accept the test message: ${result.error}` });
    }
    return response;
  }
}

function stored(t: mt.RepositoryTrigger): StoredTrigger {
  return { name: t.name, destinationArn: t.destinationArn, customData: t.customData, branches: t.branches, events: t.events };
}
