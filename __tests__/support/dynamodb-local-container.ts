/**
 * Optional lane: DynamoDB Local in a container, only with DYNAMODB_TESTCONTAINERS=1. testcontainers is
 * not a dependency; it is loaded by name at run time so the default run never needs it or Docker.
 */
const IMAGE = 'amazon/dynamodb-local:latest';
const CONTAINER_PORT = 8000;

/** The part of the testcontainers API used here. */
interface StartedContainer {
  getHost(): string;
  getMappedPort(port: number): number;
  stop(): Promise<unknown>;
}
interface GenericContainerBuilder {
  withExposedPorts(...ports: number[]): GenericContainerBuilder;
  withCommand(command: string[]): GenericContainerBuilder;
  start(): Promise<StartedContainer>;
}
interface TestcontainersModule {
  GenericContainer: new (image: string) => GenericContainerBuilder;
}

export interface DynamoDBLocalContainer {
  endpoint: string;
  stop(): Promise<void>;
}

function loadTestcontainers(): TestcontainersModule {
  const moduleName = 'testcontainers';
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional, untyped, resolved at run time
    return require(moduleName) as TestcontainersModule;
  } catch {
    throw new Error('testcontainers is not installed (npm install --no-save testcontainers)');
  }
}

/** Resolves with the container's endpoint, or rejects with a one-line reason (no Docker, no package). */
export async function startDynamoDBLocalContainer(): Promise<DynamoDBLocalContainer> {
  const { GenericContainer } = loadTestcontainers();
  let container: StartedContainer;
  try {
    container = await new GenericContainer(IMAGE)
      .withExposedPorts(CONTAINER_PORT)
      .withCommand(['-jar', 'DynamoDBLocal.jar', '-sharedDb', '-inMemory'])
      .start();
  } catch (error) {
    throw new Error(`could not start ${IMAGE} (is a Docker engine running?): ${(error as Error).message}`);
  }
  return {
    endpoint: `http://${container.getHost()}:${container.getMappedPort(CONTAINER_PORT)}`,
    stop: async () => {
      await container.stop();
    },
  };
}
