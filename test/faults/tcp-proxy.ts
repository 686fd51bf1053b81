import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy between one process and nats-server, for cutting a link without network namespaces.
 * `cut()` is a silent partition: sockets stay open, bytes in both directions are dropped, new
 * connections are accepted and left hanging (as SYNs into a dead link would). `heal()` forwards again
 * and closes what was opened or stranded during the cut, so clients redial at once.
 */
export class TcpProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private cutOff = false;
  port = 0;

  constructor(
    private readonly targetPort: number,
    private readonly targetHost = '127.0.0.1',
  ) {}

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  get isCut(): boolean {
    return this.cutOff;
  }

  async start(): Promise<void> {
    this.server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  }

  private accept(client: Socket): void {
    this.track(client);
    if (this.cutOff) {
      client.on('data', () => undefined); // swallowed
      return;
    }
    const upstream = connect(this.targetPort, this.targetHost);
    this.track(upstream);
    client.on('data', (d) => {
      if (!this.cutOff) upstream.write(d);
    });
    upstream.on('data', (d) => {
      if (!this.cutOff) client.write(d);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }

  cut(): void {
    this.cutOff = true;
  }

  heal(): void {
    this.cutOff = false;
    for (const s of [...this.sockets]) s.destroy();
  }

  async stop(): Promise<void> {
    for (const s of [...this.sockets]) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = null;
  }
}
