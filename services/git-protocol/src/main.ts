import { runService } from '@cairn/runtime';
import { GitProtocolModule } from './app.module';
import { FrontDoor } from './front-door/front-door';

void runService({
  name: 'git-protocol',
  module: GitProtocolModule,
  listen: async (app) => {
    const frontDoor = app.get(FrontDoor);
    return { httpPort: await frontDoor.listen(), stop: () => frontDoor.close() };
  },
});
