// First: tracing must patch http and gRPC before anything loads them.
import '@cairn/runtime/dist/tracing-register';
import { runService } from '@cairn/runtime';
import { GitProtocolModule } from './app.module';
import { FrontDoor } from './front-door/front-door';
import { SshServer } from './ssh/ssh.server';

void runService({
  name: 'git-protocol',
  module: GitProtocolModule,
  listen: async (app) => {
    const frontDoor = app.get(FrontDoor);
    const ssh = app.get(SshServer);
    const httpPort = await frontDoor.listen();
    await ssh.listen();
    return { httpPort, stop: async () => void (await Promise.all([frontDoor.close(), ssh.close()])) };
  },
});
