import { createServer, type Server } from "node:http";
import { cacheResource } from "cache-resource";

/** What the server needs of a connection pool (`pg.Pool` has this shape). */
export interface Pool {
  query(sql: string): Promise<{ rows: unknown[] }>;
  end(): Promise<void>;
}

export function createApp(connect: (url: string) => Pool): { server: Server; rotate: () => Promise<void> } {
  const getPool = cacheResource(
    function getPool(url: string) {
      return connect(url);
    },
    { onRelease: (pool) => pool.end() },
  );

  const server = createServer(async (req, res) => {
    try {
      // The request holds a lease: a clear() meanwhile does not end this pool under it.
      using lease = getPool.acquire(process.env.DATABASE_URL ?? "postgres://localhost/app");
      const { rows } = await lease.value.query("select * from users");
      res.end(JSON.stringify(rows));
    } catch (error) {
      res.statusCode = 500;
      res.end(String(error));
    }
  });

  // New credentials: new requests get a new pool at once; the old one ends after its last request.
  const rotate = () => getPool.clear();
  return { server, rotate };
}
