/** Seed data for the demo's database: short product reviews with a star rating. */
export interface Review {
  readonly product: string;
  readonly rating: 1 | 2 | 3 | 4 | 5;
  readonly body: string;
}

export const REVIEWS: readonly Review[] = [
  { product: "Aurora headphones", rating: 5, body: "Wonderful sound and the noise cancelling is excellent on long flights." },
  { product: "Aurora headphones", rating: 4, body: "Great battery life, although the case feels a bit cheap." },
  { product: "Aurora headphones", rating: 2, body: "The left ear cup started crackling after two weeks. Disappointing." },
  { product: "Nimbus kettle", rating: 5, body: "Boils fast, quiet, and the temperature presets are perfect for green tea." },
  { product: "Nimbus kettle", rating: 3, body: "Does the job. The lid is awkward to open with one hand." },
  { product: "Nimbus kettle", rating: 1, body: "Leaked on the first day and customer support never answered. Terrible." },
  { product: "Trailblazer backpack", rating: 5, body: "Comfortable straps, tons of pockets, survived a rainy week in Scotland." },
  { product: "Trailblazer backpack", rating: 4, body: "Sturdy and well made. I wish the laptop sleeve were padded." },
  { product: "Trailblazer backpack", rating: 2, body: "A zipper broke within a month, which is annoying for the price." },
  { product: "Lumen desk lamp", rating: 5, body: "Lovely warm light and the dimmer is smooth. My evenings feel calmer." },
  { product: "Lumen desk lamp", rating: 3, body: "Nice design, but the base wobbles on my desk." },
  { product: "Lumen desk lamp", rating: 1, body: "Flickers constantly. Awful product, returned it." },
  { product: "Cascade coffee grinder", rating: 4, body: "Consistent grind and easy to clean. A little loud in the morning." },
  { product: "Cascade coffee grinder", rating: 5, body: "The best grinder I have owned; espresso tastes amazing now." },
  { product: "Cascade coffee grinder", rating: 2, body: "The hopper cracked and the burrs are hard to adjust." },
  { product: "Orbit smart plug", rating: 4, body: "Setup took two minutes and the schedules work reliably." },
  { product: "Orbit smart plug", rating: 1, body: "Keeps dropping off the network. Useless and frustrating." },
  { product: "Orbit smart plug", rating: 3, body: "Fine for a lamp, but the app asks for far too many permissions." },
  { product: "Summit water bottle", rating: 5, body: "Keeps water cold all day and fits in every cup holder. Love it." },
  { product: "Summit water bottle", rating: 4, body: "Great bottle, the lid is slightly hard to clean." },
];
