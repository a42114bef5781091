// The receiving member of `npm run bench:fleet`: holds entries k0…k(n-1) and reports when each
// is released, with its wall-clock time (sub-millisecond, comparable across processes).
import { joinFleet } from "@cache-resource/redis";
import { getConnection, hooks } from "./bench-resources.mjs";

const fleet = await joinFleet({ url: process.env.FLEET_URL, name: process.env.FLEET_NAME });
hooks.onReleased = (key, at) => process.send({ released: key, at });
process.on("message", async (message) => {
  if (message.fill !== undefined) {
    for (let i = 0; i < message.fill; i++) getConnection(`k${i}`);
    process.send({ filled: message.fill });
  }
  if (message.leave) {
    await fleet.leave();
    process.send({ left: true });
  }
});
process.send({ ready: true });
