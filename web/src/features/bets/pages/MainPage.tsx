export function Component() {
  return <h1>bets</h1>;
}
