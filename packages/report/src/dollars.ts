/** `$12.34`; a cost above zero but below a cent is `<$0.01`, not a misleading `$0.00`. Also used by the page code. */
export function dollars(value: number): string {
  return value > 0 && value < 0.005 ? '<$0.01' : `$${value.toFixed(2)}`;
}
