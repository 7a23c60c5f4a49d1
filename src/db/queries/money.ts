/** An amount in minor units of one currency; totals are kept per currency, never converted. */
export interface Money {
  amount: number;
  currency: string;
}

/** Adds to the currency's entry; an unknown currency or a zero adds nothing. */
export function addMoney(list: Money[], currency: string | null, amount: number): void {
  if (!currency || amount === 0) return;
  const entry = list.find((m) => m.currency === currency);
  if (entry) entry.amount += amount;
  else list.push({ currency, amount });
}

/** Largest first, as the dashboard lists them. */
export function largestFirst(list: Money[]): Money[] {
  return list.sort((a, b) => b.amount - a.amount);
}
