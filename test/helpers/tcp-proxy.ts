import { connect, createServer, type Server, type Socket } from "node:net";

/**
 * What the network between the server and its database does: pass bytes (`forward`), refuse
 * connections as a stopped server would (`refuse`), or drop every packet while connections
 * stay open, as a dead switch or a firewall does (`blackhole`).
 */
export type NetworkMode = "forward" | "refuse" | "blackhole";

export interface TcpProxy {
  /** Connect here instead of the target. */
  readonly port: number;
  set(mode: NetworkMode): Promise<void>;
  close(): Promise<void>;
}

/** A TCP proxy to `target` on a local port, for tests of a database that goes away. */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let mode: NetworkMode = "forward";
  const pairs = new Set<[Socket, Socket]>();
  let server: Server | null = null;
  let port = 0;

  function accept(client: Socket) {
    const upstream = connect(target.port, target.host);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    // By hand rather than pipe(): in a blackhole the bytes must vanish, connections stay.
    client.on("data", (chunk) => mode === "forward" && upstream.write(chunk));
    upstream.on("data", (chunk) => mode === "forward" && client.write(chunk));
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on("close", end).on("error", end);
    upstream.on("close", end).on("error", end);
  }

  async function listen(): Promise<void> {
    const listening = createServer(accept);
    await new Promise<void>((resolve, reject) => {
      listening.once("error", reject);
      listening.listen(port, "127.0.0.1", resolve);
    });
    const address = listening.address();
    if (!address || typeof address === "string") throw new Error("no port");
    port = address.port;
    server = listening;
  }

  /** Stops accepting and cuts every connection (close() waits for them to end). */
  async function stopListening(): Promise<void> {
    const listening = server;
    server = null;
    const closed = listening ? new Promise((resolve) => listening.close(resolve)) : null;
    for (const [client, upstream] of pairs) {
      client.destroy();
      upstream.destroy();
    }
    await closed;
  }

  await listen();
  return {
    get port() {
      return port;
    },
    async set(next) {
      mode = next;
      if (next === "refuse") await stopListening();
      else if (!server) {
        await listen();
      }
    },
    close: stopListening,
  };
}
