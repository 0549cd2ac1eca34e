import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { AwsError } from '@cairn/aws-protocol';
import { callUnary, createClient, metadataTriggers as mt } from '@cairn/contracts';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { Operation } from '../operation';
import { optionalObjectList, optionalString, optionalStringList, requiredString } from './input';
import { RepositoryArns } from './repository-arns';

const NAME_REQUIRED = ['RepositoryNameRequiredException', 'A repository name is required, but was not specified.'] as const;

/** The trigger list, with the presence checks that only the raw request can make. */
function triggers(input: Record<string, unknown>): mt.RepositoryTrigger[] {
  if (input.triggers === undefined || input.triggers === null) throw new AwsError('RepositoryTriggersListRequiredException', 'The list of triggers for the repository is required, but was not specified.');
  return optionalObjectList(input, 'triggers').map((t) => {
    // "Although no content is required in the array, you must include the array itself."
    if (!Array.isArray(t.branches)) throw new AwsError('RepositoryTriggerBranchNameListRequiredException', 'At least one branch name is required, but was not specified in the trigger configuration.');
    if (!Array.isArray(t.events)) throw new AwsError('RepositoryTriggerEventsListRequiredException', 'At least one event for the trigger is required, but was not specified.');
    return {
      name: optionalString(t, 'name'),
      destinationArn: optionalString(t, 'destinationArn'),
      customData: optionalString(t, 'customData'),
      branches: optionalStringList(t, 'branches'),
      events: optionalStringList(t, 'events'),
    };
  });
}

/** PutRepositoryTriggers, GetRepositoryTriggers, TestRepositoryTriggers (owned by repo-metadata). */
@Injectable()
export class TriggerOperations implements OnApplicationShutdown {
  private readonly client: mt.RepoTriggersClient;

  constructor(
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    private readonly arns: RepositoryArns,
  ) {
    this.client = createClient(mt.RepoTriggersClient, config.metadataAddress);
  }

  onApplicationShutdown(): void {
    this.client.close();
  }

  private readonly onRepository = (input: Record<string, unknown>) => this.arns.of(optionalString(input, 'repositoryName'));

  readonly operations: Record<string, Operation> = {
    PutRepositoryTriggers: {
      resources: this.onRepository,
      run: async (input, caller) => {
        const out = await callUnary(this.client, this.client.putRepositoryTriggers, { repositoryName: requiredString(input, 'repositoryName', ...NAME_REQUIRED), triggers: triggers(input), actorArn: caller.arn });
        return { configurationId: out.configurationId };
      },
    },
    GetRepositoryTriggers: {
      resources: this.onRepository,
      run: async (input) => {
        const out = await callUnary(this.client, this.client.getRepositoryTriggers, { repositoryName: requiredString(input, 'repositoryName', ...NAME_REQUIRED) });
        return {
          configurationId: out.configurationId || undefined,
          triggers: out.triggers.map((t) => ({ name: t.name, destinationArn: t.destinationArn, customData: t.customData || undefined, branches: t.branches, events: t.events })),
        };
      },
    },
    TestRepositoryTriggers: {
      resources: this.onRepository,
      run: async (input) => {
        const out = await callUnary(this.client, this.client.testRepositoryTriggers, { repositoryName: requiredString(input, 'repositoryName', ...NAME_REQUIRED), triggers: triggers(input) });
        return { successfulExecutions: out.successfulExecutions, failedExecutions: out.failedExecutions.map((f) => ({ trigger: f.trigger, failureMessage: f.failureMessage })) };
      },
    },
  };
}
