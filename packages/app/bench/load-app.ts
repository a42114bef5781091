/**
 * The app `npm run load` drives: a typical small dashboard run (a title, text, a cached resource
 * hit, a slider, a table, metrics in columns), about twenty elements per run.
 */
import { st } from "@cache-resource/app";

const getCatalog = st.cacheResource(function getCatalog(region: string) {
  return Array.from({ length: 12 }, (_, i) => ({ sku: `${region}-${i}`, price: 10 + i, stock: (i * 7) % 13 }));
});

export default function app(): void {
  st.title("Inventory");
  st.markdown("Stock levels per **SKU**, refreshed on every interaction.");
  const region = st.selectbox("Region", ["eu", "us", "ap"]);
  const minStock = st.slider("Minimum stock", { min: 0, max: 12, value: 0 });
  const rows = getCatalog(region ?? "eu").filter((row) => row.stock >= minStock);
  const [a, b, c] = st.columns(3);
  a.metric("SKUs", String(rows.length));
  b.metric("Units", String(rows.reduce((n, row) => n + row.stock, 0)));
  c.metric("Value", `$${rows.reduce((n, row) => n + row.stock * row.price, 0)}`);
  st.table(rows.map((row) => ({ SKU: row.sku, Price: row.price, Stock: row.stock })));
  if (st.button("Reorder")) st.success("Reorder placed.");
  st.caption(`Run at ${new Date(0).toISOString()}`);
}
