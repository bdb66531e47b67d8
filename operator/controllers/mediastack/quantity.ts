// Parses Kubernetes resource quantities ("250m", "1Gi", "1e3") into numbers, so validateStack can
// compare an app's requests with its limits before the API server refuses the Deployment.

const binarySuffixes: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const decimalSuffixes: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};
const quantityPattern = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;

/** The quantity's value in base units (cores, bytes), or undefined when it is not a quantity. */
export function parseQuantity(quantity: number | string): number | undefined {
  if (typeof quantity === "number") return quantity;
  const match = quantityPattern.exec(quantity.trim());
  if (!match) return undefined;
  const value = Number(match[1]);
  const suffix = match[2] ?? "";
  if (suffix in binarySuffixes) return value * binarySuffixes[suffix];
  if (suffix in decimalSuffixes) return value * decimalSuffixes[suffix];
  return value * 10 ** Number(suffix.slice(1));
}
