// The tests' NATS: the local-infrastructure toolkit's (scripts/lib/infra), as the launcher and the benches use it.
import type { LocalNatsCluster, LocalNatsNode, LocalNatsServer, NatsDeployConfig as ToolkitNatsDeployConfig } from '../../scripts/lib/infra/nats.mjs';

export { freePort, natsServerBinary, startNatsCluster, startNatsServer } from '../../scripts/lib/infra/nats.mjs';
export type TestNatsServer = LocalNatsServer;
export type TestNatsCluster = LocalNatsCluster;
export type TestNatsNode = LocalNatsNode;
export type NatsDeployConfig = ToolkitNatsDeployConfig;
