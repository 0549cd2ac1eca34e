import { runService } from '@cairn/runtime';
import { GitProtocolModule } from './app.module';
import { FrontDoor } from './front-door/front-door';

void runService({
  name: 'git-protocol',
  module: GitProtocolModule,
  listen: async (app) => {
    const frontDoor = app.get(FrontDoor);
    const port = await frontDoor.listen();
    process.send?.({ type: 'listening', name: 'git-protocol', httpPort: port });
    return () => frontDoor.close();
  },
});
