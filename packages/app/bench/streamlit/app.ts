/** The cache-resource side of `npm run bench:streamlit`: the same page as streamlit_app.py. */
import { st } from "@cache-resource/app";

const URL = "postgres://db.internal:5432/app";

const getPool = st.cacheResource(function getPool(url: string) {
  return { url };
});

const getClient = st.cacheResource(function getClient(options: ReturnType<typeof poolOptions>) {
  return { options };
});

function poolOptions() {
  return { url: URL, poolSize: 10, ssl: true, timeoutMs: 5000, region: "eu-west-1" };
}

export default function app(): void {
  st.title("Bench");
  const count = ((st.sessionState.count as number | undefined) ?? 0) + (st.button("Click") ? 1 : 0);
  st.sessionState.count = count;
  st.write(`count: ${count}`);
  st.write(`pool: ${getPool(URL).url}`);

  const hits = Number(process.env.CR_BENCH_HITS ?? 0);
  if (hits > 0) {
    getPool(URL);
    getClient(poolOptions());
    const t0 = performance.now();
    for (let i = 0; i < hits; i++) getPool(URL);
    const t1 = performance.now();
    for (let i = 0; i < hits; i++) getClient(poolOptions());
    const t2 = performance.now();
    st.text("hits " + JSON.stringify({ string: ((t1 - t0) / hits) * 1e6, options: ((t2 - t1) / hits) * 1e6 }));
  }
}
